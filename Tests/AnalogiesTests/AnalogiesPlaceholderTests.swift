import Testing
import Analogies

/// The module is still a placeholder; this test fails once it grows, as a reminder to replace it with real ones.
@Test func analogiesModuleIsAPlaceholder() {
    #expect(AnalogiesModule.status.contains("not implemented"))
}
