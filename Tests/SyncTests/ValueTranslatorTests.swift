import JSONStream
import Testing

@testable import Sync

struct ValueTranslatorTests {
    static let value = DataValue(
        dataElement: "deSource001",
        period: "202401",
        orgUnit: "ouSource001",
        categoryOptionCombo: "cocSource01",
        attributeOptionCombo: nil,
        value: "12",
        comment: "kept",
        followup: true
    )

    @Test func noMappingsTranslateNothing() throws {
        let translator = ValueTranslator.identity
        #expect(translator.isIdentity)
        #expect(try translator.translate(Self.value) == Self.value)
        #expect(try translator.translate("anything", .dataSet) == "anything")
        // Kinds given without entries count as unmapped kinds, not as "map everything away".
        #expect(ValueTranslator([.orgUnit: [:]]).isIdentity)
    }

    @Test func mappedIdsAreRewrittenAndTheRestIsKept() throws {
        let translator = ValueTranslator([
            .dataElement: ["deSource001": "deDest00001"],
            .orgUnit: ["ouSource001": "ouDest00001"],
            .categoryOptionCombo: ["cocSource01": "cocDest0001"],
            .attributeOptionCombo: ["aocSource01": "aocDest0001"],
            .dataSet: ["dsSource001": "dsDest00001"],
        ])
        let translated = try translator.translate(Self.value)
        #expect(translated.dataElement == "deDest00001")
        #expect(translated.orgUnit == "ouDest00001")
        #expect(translated.categoryOptionCombo == "cocDest0001")
        // An absent AOC is DHIS2's default: it stays absent.
        #expect(translated.attributeOptionCombo == nil)
        #expect(translated.period == "202401" && translated.value == "12" && translated.comment == "kept")
        #expect(translated.followup == true)
        #expect(try translator.translate("dsSource001", .dataSet) == "dsDest00001")
    }

    @Test func anUnmappedIdOfAMappedKindIsRefusedWithItsReason() throws {
        let translator = ValueTranslator([.orgUnit: ["ouOther0001": "ouDest00001"]])
        #expect(throws: ValueTranslator.Unmapped(kind: .orgUnit, sourceID: "ouSource001")) {
            try translator.translate(Self.value)
        }
        do {
            _ = try translator.translate(Self.value)
        } catch {
            #expect(error.description == "no mapping for org unit ouSource001")
        }
        // Kinds without mappings pass through: only org units are mapped here.
        let onlyUnits = ValueTranslator([.orgUnit: ["ouSource001": "ouDest00001"]])
        let translated = try onlyUnits.translate(Self.value)
        #expect(translated.dataElement == "deSource001" && translated.orgUnit == "ouDest00001")
        #expect(throws: ValueTranslator.Unmapped.self) { try onlyUnits.translate("x", .orgUnit) }
    }
}

struct MappingCSVTests {
    @Test func aFileWithHeaderBlankLinesAndCRLFIsRead() throws {
        let text = "kind,source_id,destination_id\r\ndataElement,abc,def\r\n\r\norgUnit, OU_1 ,\"OU_9\"\r\n"
        let mappings = try MappingStore.parseCSV(text)
        #expect(
            mappings == [
                MappingStore.Mapping(kind: .dataElement, sourceID: "abc", destinationID: "def"),
                MappingStore.Mapping(kind: .orgUnit, sourceID: "OU_1", destinationID: "OU_9"),
            ]
        )
        #expect(mappings.allSatisfy { $0.status == .confirmed && $0.matchedBy == .manual })
        #expect(try MappingStore.parseCSV("kind,source_id,destination_id\n").isEmpty)
    }

    @Test(arguments: [
        ("dataElement,abc,def\n", "line 1: expected the header"),
        ("kind,source_id,destination_id\ndataElement,abc\n", "line 2: expected 3 fields"),
        ("kind,source_id,destination_id\ndataElement,a,b\n\nindicator,a,b\n", "line 4: unknown kind 'indicator'"),
        ("kind,source_id,destination_id\norgUnit,,b\n", "line 2: source_id and destination_id must not be empty"),
        ("kind,source_id,destination_id\norgUnit,a,b\norgUnit,a,c\n", "line 3: orgUnit a is already mapped on line 2"),
        ("", "line 1: expected the header"),
    ])
    func aBadLineIsOneErrorNamingIt(text: String, message: String) throws {
        do {
            _ = try MappingStore.parseCSV(text)
            Issue.record("\(text) parsed")
        } catch {
            #expect(error.code == .invalidInput)
            #expect(error.message.hasPrefix(message), "\(error.message)")
        }
    }

    @Test func matchingPrefersUIDThenCodeThenNameAndSkipsAmbiguousNames() {
        typealias Object = MappingSuggester.Object
        let source = [
            Object(id: "shared00001", code: "A", name: "Alpha"),
            Object(id: "src00000002", code: "B", name: "Beta"),
            Object(id: "src00000003", code: nil, name: "Gamma"),
            Object(id: "src00000004", code: nil, name: "Delta"),
            Object(id: "src00000005", code: "E", name: "Epsilon"),
        ]
        let destination = [
            Object(id: "shared00001", code: "X", name: "Other"),
            Object(id: "dst00000002", code: "B", name: "Beta renamed"),
            Object(id: "dst00000003", code: "G", name: "gamma"),
            Object(id: "dst00000004", code: nil, name: "Delta"),
            Object(id: "dst00000005", code: nil, name: "Delta"),
        ]
        let result = MappingSuggester.match(.dataElement, source: source, destination: destination, scheme: .uid)
        #expect(
            result.proposals.map { "\($0.sourceID)>\($0.destinationID):\($0.matchedBy.rawValue)" } == [
                "shared00001>shared00001:uid", "src00000002>dst00000002:code", "src00000003>dst00000003:name",
            ]
        )
        #expect(result.proposals.allSatisfy { $0.status == .proposed })
        #expect(result.unmatched.map(\.id) == ["src00000004", "src00000005"])
        // Under the CODE scheme ids are codes; a match where either side lacks a code is unusable.
        let coded = MappingSuggester.match(.dataElement, source: source, destination: destination, scheme: .code)
        #expect(coded.proposals.map { "\($0.sourceID)>\($0.destinationID)" } == ["A>X", "B>B"])
        #expect(coded.unmatched.map(\.id) == ["src00000003", "src00000004", "src00000005"])
    }
}
