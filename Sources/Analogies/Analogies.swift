/// Placeholder until issue 4 builds this module (see DESIGN.md): the target exists so that the package layout,
/// the dependency graph and the CLI can be laid out now.
public enum AnalogiesModule {
    public static let status = "not implemented yet (issue 4)"
}
