import Testing
import Compare

/// The module is still a placeholder; this test fails once it grows, as a reminder to replace it with real ones.
@Test func compareModuleIsAPlaceholder() {
    #expect(CompareModule.status.contains("not implemented"))
}
