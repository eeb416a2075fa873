/// Placeholder until issue 3 builds this module (see DESIGN.md): the target exists so that the package layout,
/// the dependency graph and the CLI can be laid out now.
public enum QuiltingModule {
    public static let status = "not implemented yet (issue 3)"
}
