import Sync
import Testing

@Suite("Conflict catalog")
struct ConflictCatalogTests {
    @Test func everyDataValueCodeOfTheReferenceIsExplained() {
        // dhis2-api.md §2.4: the data value conflict codes of 2.38–2.42.
        let reference =
            ["E7600", "E7601", "E7603", "E7604"] + (7610...7621).map { "E\($0)" } + (7630...7645).map { "E\($0)" }
        for code in reference {
            let entry = ConflictCatalog.entry(code)
            #expect(entry != nil, "\(code)")
            #expect(entry?.meaning.isEmpty == false && entry?.fix.isEmpty == false, "\(code)")
        }
        #expect(Set(ConflictCatalog.codes).count == ConflictCatalog.codes.count)
    }

    @Test func lookupIgnoresCaseAndBlanksAndRefusesUnknownCodes() throws {
        let entry = try #require(ConflictCatalog.entry(" e7633 "))
        #expect(entry.code == "E7633")
        #expect(entry.meaning.contains("data set"))
        #expect(ConflictCatalog.entry("E9999") == nil)
        #expect(ConflictCatalog.entry("") == nil)
    }

    @Test func headerCodesAbortTheBatchValueCodesDoNot() throws {
        #expect(try #require(ConflictCatalog.entry("E7600")).abortsBatch)
        #expect(try #require(ConflictCatalog.entry("E7610")).abortsBatch == false)
        let lines = ConflictCatalog.explanation(try #require(ConflictCatalog.entry("E7600")))
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("E7600: ") && lines[0].contains("whole batch"))
        #expect(lines[1].hasPrefix("  usual fix: "))
    }
}
