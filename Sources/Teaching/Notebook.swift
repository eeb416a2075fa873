import Foundation

/// A Jupyter notebook in nbformat 4.5: markdown cells, and code cells with no outputs yet (the student runs them).
/// Written with sorted keys and one-space indents, as Jupyter itself writes, so that regenerating gives the same
/// bytes.
package struct Notebook {
    package enum Cell {
        case markdown(String)
        case code(String)
    }

    package var cells: [Cell] = []

    package init(_ cells: [Cell] = []) { self.cells = cells }

    package func json() throws -> Data {
        let cellObjects: [[String: Any]] = cells.enumerated().map { index, cell in
            switch cell {
            case .markdown(let text):
                return ["cell_type": "markdown", "id": "cell-\(index)", "metadata": [String: Any](),
                        "source": Self.lines(text)]
            case .code(let text):
                return ["cell_type": "code", "id": "cell-\(index)", "metadata": [String: Any](),
                        "execution_count": NSNull(), "outputs": [Any](), "source": Self.lines(text)]
            }
        }
        let notebook: [String: Any] = [
            "cells": cellObjects,
            "metadata": ["kernelspec": ["display_name": "Python 3", "language": "python", "name": "python3"],
                         "language_info": ["name": "python"]],
            "nbformat": 4, "nbformat_minor": 5,
        ]
        let data = try JSONSerialization.data(withJSONObject: notebook,
                                              options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return data + Data("\n".utf8)
    }

    /// nbformat's multiline string: a list of lines, each but the last ending in a newline.
    static func lines(_ text: String) -> [String] {
        let parts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return parts.enumerated().map { $0.offset < parts.count - 1 ? $0.element + "\n" : $0.element }
            .filter { !$0.isEmpty }
    }
}
