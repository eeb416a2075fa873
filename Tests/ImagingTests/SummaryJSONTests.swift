import Foundation
import Testing
import StyleLabSupport

@Suite struct SummaryJSONTests {
    /// The summary's own keys (Swift property names, so starting lower-case) follow Foundation's snake_case rule,
    /// which the custom key strategy re-implements.
    @Test(arguments: ["secondsTotal", "peakRssMb", "meanOverlapError", "myURLProperty", "a1B", "already_snake",
                      "x", "outputWidth", "blockChoice"])
    func snakeCaseAgreesWithFoundation(key: String) throws {
        let foundation = JSONEncoder()
        foundation.keyEncodingStrategy = .convertToSnakeCase
        let encoded = try foundation.encode(OneKey(key: key))
        let spelt = try #require(try JSONSerialization.jsonObject(with: encoded) as? [String: Int]).keys.first
        #expect(snakeCase(key) == spelt)
    }

    /// An object with one key, spelt at run time (Foundation's strategies skip dictionary keys).
    struct OneKey: Encodable {
        var key: String
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(1, forKey: Key(stringValue: key))
        }
    }

    struct Parameters: Codable { var blockSize = 24; var alphaSchedule = [0.1] }
    struct Summary: Codable { var secondsTotal = 1.5; var synthesis = Parameters(); var parameters = Parameters() }

    /// Parameters inside a summary keep the parameter-file spelling, so they paste into `--params` unchanged.
    @Test func parametersKeepTheirParameterFileSpelling() throws {
        let object = try JSONSerialization.jsonObject(with: Summary().summaryJSON()) as? [String: Any]
        #expect(object?["seconds_total"] as? Double == 1.5)
        for key in ["synthesis", "parameters"] {
            let inner = object?[key] as? [String: Any]
            #expect(inner?["blockSize"] as? Int == 24, "\(key): \(String(describing: inner))")
            #expect(inner?["alphaSchedule"] != nil)
        }
    }
}
