import DHIS2
import DHIS2Periods
import Foundation
@testable import Sync
import Testing

/// The pre-flight rules on hand-made metadata: one problem of each kind, by UID, by code and by mapping.
@Suite struct PreflightCheckTests {
    static func decode<T: Decodable>(_ json: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    /// Source: a monthly data set with two elements (one disaggregated by sex), an attribute combo with one
    /// option, three facilities under one district.
    static func source(without removed: Set<String> = []) throws -> MetadataSnapshot {
        let snapshot = MetadataSnapshot(
            dataSets: [
                try decode(
                    """
                    {"id":"DataSet0001","name":"Monthly","code":"DS1","periodType":"Monthly",
                     "categoryCombo":{"id":"AttrCombo01"},
                     "dataSetElements":[{"dataElement":{"id":"Element0001"}},{"dataElement":{"id":"Element0002"}}],
                     "organisationUnits":[{"id":"Facility001"},{"id":"Facility002"},{"id":"Facility003"},
                                          {"id":"OtherUnit01"}]}
                    """
                )
            ],
            dataElements: [
                try decode(#"{"id":"Element0001","name":"Cases","code":"CASES","categoryCombo":{"id":"SexCombo001"}}"#),
                try decode(#"{"id":"Element0002","name":"Deaths","categoryCombo":{"id":"DefaultComb"}}"#),
            ],
            categoryCombos: [
                try decode(
                    #"{"id":"SexCombo001","name":"Sex","categoryOptionCombos":[{"id":"FemaleCoc01"},{"id":"MaleCoc0001"}]}"#
                ),
                try decode(#"{"id":"DefaultComb","name":"default","categoryOptionCombos":[{"id":"DefaultCoc1"}]}"#),
                try decode(#"{"id":"AttrCombo01","name":"Funding","categoryOptionCombos":[{"id":"DonorAoc001"}]}"#),
            ],
            optionCombos: [
                try decode(#"{"id":"FemaleCoc01","name":"Female","code":"F"}"#),
                try decode(#"{"id":"MaleCoc0001","name":"Male","code":"M"}"#),
                try decode(#"{"id":"DefaultCoc1","name":"default","code":"default"}"#),
                try decode(#"{"id":"DonorAoc001","name":"Donor","code":"DONOR"}"#),
            ],
            orgUnits: [
                try decode(#"{"id":"District001","name":"District","path":"/Country0001/District001","level":2}"#),
                try decode(
                    #"{"id":"Facility001","name":"Clinic A","code":"FA","path":"/Country0001/District001/Facility001","level":3}"#
                ),
                try decode(
                    #"{"id":"Facility002","name":"Clinic B","code":"FB","path":"/Country0001/District001/Facility002","level":3}"#
                ),
                try decode(
                    #"{"id":"Facility003","name":"Clinic C","code":"FC","path":"/Country0001/District001/Facility003","level":3}"#
                ),
                // Assigned at the source, but outside the pair's district: not the pair's business.
                try decode(
                    #"{"id":"OtherUnit01","name":"Elsewhere","path":"/Country0001/District002/OtherUnit01","level":3}"#
                ),
            ]
        )
        return MetadataSnapshot(
            dataSets: snapshot.dataSets.values.filter { !removed.contains($0.id) },
            dataElements: snapshot.dataElements.values.filter { !removed.contains($0.id) },
            categoryCombos: Array(snapshot.categoryCombos.values),
            optionCombos: Array(snapshot.optionCombos.values),
            orgUnits: Array(snapshot.orgUnits.values)
        )
    }

    func check(_ scheme: Pair.IDScheme = .uid, periods: [String] = []) throws -> PreflightCheck {
        var check = PreflightCheck(
            scheme: scheme,
            dataSets: ["DataSet0001"],
            orgUnitRoots: ["District001"],
            today: CalendarDate(iso: "2024-06-15")!
        )
        check.periods["DataSet0001"] = periods.map { Period.parse($0)! }
        return check
    }

    @Test func identicalMetadataHasNoProblems() throws {
        let source = try Self.source()
        let report = try check(periods: ["202401", "202405"]).run(source: source, destination: source)
        #expect(report.isClean, "\(report.problems)")
        #expect(report.checked.dataElements == 2)
        #expect(report.checked.optionCombos == 4)
        #expect(report.checked.orgUnits == 3)
        #expect(report.checked.periods == 2)
        #expect(
            report.lines(pair: "p") == [
                "pair check p: no problems (1 data sets, 2 data elements, 4 option combos, 3 org units, 2 periods checked)"
            ]
        )
    }

    @Test func everyKindOfGapIsFoundAndGroupedWithCounts() throws {
        let source = try Self.source()
        let destination = MetadataSnapshot(
            dataSets: [
                try Self.decode(
                    """
                    {"id":"DataSet0001","name":"Monthly","periodType":"Monthly","categoryCombo":{"id":"AttrCombo01"},
                     "expiryDays":10,
                     "dataSetElements":[{"dataElement":{"id":"Element0001"}}],
                     "organisationUnits":[{"id":"Facility001"}]}
                    """
                )
            ],
            dataElements: [
                // Element0002 exists but is not in the data set; Element0001's combo lost the male option.
                try Self.decode(#"{"id":"Element0001","name":"Cases","categoryCombo":{"id":"SexCombo001"}}"#),
                try Self.decode(#"{"id":"Element0002","name":"Deaths","categoryCombo":{"id":"DefaultComb"}}"#),
            ],
            categoryCombos: [
                try Self.decode(#"{"id":"SexCombo001","name":"Sex","categoryOptionCombos":[{"id":"FemaleCoc01"}]}"#),
                try Self.decode(
                    #"{"id":"DefaultComb","name":"default","categoryOptionCombos":[{"id":"DefaultCoc1"}]}"#
                ),
                try Self.decode(#"{"id":"AttrCombo01","name":"Funding","categoryOptionCombos":[]}"#),
            ],
            optionCombos: [
                try Self.decode(#"{"id":"FemaleCoc01","name":"Female"}"#),
                try Self.decode(#"{"id":"MaleCoc0001","name":"Male"}"#),
                try Self.decode(#"{"id":"DefaultCoc1","name":"default"}"#),
                try Self.decode(#"{"id":"DonorAoc001","name":"Donor"}"#),
            ],
            orgUnits: [
                try Self.decode(#"{"id":"Facility001","name":"Clinic A","path":"/X/Facility001","level":3}"#),
                try Self.decode(#"{"id":"Facility002","name":"Clinic B","path":"/X/Facility002","level":3}"#),
            ]
        )
        // 202404 ended 2024-04-30: expired on 2024-05-10; 202406 is the current period: open.
        let report = try check(periods: ["202404", "202406"]).run(source: source, destination: destination)
        let counts = Dictionary(report.groups.map { ($0.kind, $0.problems.count) }, uniquingKeysWith: +)
        #expect(
            counts == [
                .notInDataSet: 1, .notInElementCombo: 1, .notInAttributeCombo: 1, .missing(.orgUnit): 1,
                .notAssigned: 1, .periodClosed: 1,
            ]
        )
        let lines = report.lines(pair: "p")
        #expect(lines[0].hasPrefix("pair check p: 6 problems of 6 kinds"))
        #expect(lines.contains("  1 org units missing on the destination [E7612]"))
        #expect(lines.contains("    Clinic C (Facility003) — Monthly"))
        #expect(lines.contains("    Clinic B (Facility002) — Monthly"))
        #expect(lines.contains("    Male (MaleCoc0001) — Cases (Element0001) in Monthly"))
        #expect(lines.contains("    202404 — Monthly: expired on 2024-05-10 (expiry days 10)"))
        #expect(report.summary.contains("1 data elements not in the destination's data set"))
    }

    @Test func aMissingDataSetStillChecksWhatItsValuesName() throws {
        let source = try Self.source()
        let empty = try Self.source(without: ["DataSet0001", "Element0002"])
        let report = try check().run(source: source, destination: empty)
        #expect(report.groups.map(\.kind) == [.missing(.dataSet), .missing(.dataElement)])
        #expect(report.problems.map(\.object) == ["Monthly (DataSet0001)", "Deaths (Element0002)"])
    }

    @Test func underTheCodeSchemeObjectsAreFoundByCodeAndCodelessOnesSaidSo() throws {
        let source = try Self.source()
        // The destination has other UIDs for everything; codes match where the source has them.
        let destination = MetadataSnapshot(
            dataSets: [
                try Self.decode(
                    """
                    {"id":"OtherSet001","name":"Monthly","code":"DS1","periodType":"Monthly",
                     "categoryCombo":{"id":"OtherAttr01"},
                     "dataSetElements":[{"dataElement":{"id":"OtherElem01"}}],
                     "organisationUnits":[{"id":"OtherFac001"},{"id":"OtherFac002"},{"id":"OtherFac003"}]}
                    """
                )
            ],
            dataElements: [
                try Self.decode(
                    #"{"id":"OtherElem01","name":"Cases","code":"CASES","categoryCombo":{"id":"OtherSex001"}}"#
                )
            ],
            categoryCombos: [
                try Self.decode(
                    #"{"id":"OtherSex001","name":"Sex","categoryOptionCombos":[{"id":"OtherFem001"},{"id":"OtherMal001"}]}"#
                ),
                try Self.decode(
                    #"{"id":"OtherAttr01","name":"Funding","categoryOptionCombos":[{"id":"OtherDon001"}]}"#
                ),
            ],
            optionCombos: [
                try Self.decode(#"{"id":"OtherFem001","name":"Female","code":"F"}"#),
                try Self.decode(#"{"id":"OtherMal001","name":"Male","code":"M"}"#),
                try Self.decode(#"{"id":"OtherDef001","name":"default","code":"default"}"#),
                try Self.decode(#"{"id":"OtherDon001","name":"Donor","code":"DONOR"}"#),
            ],
            orgUnits: [
                try Self.decode(
                    #"{"id":"OtherFac001","name":"Clinic A","code":"FA","path":"/Y/OtherFac001","level":3}"#
                ),
                try Self.decode(
                    #"{"id":"OtherFac002","name":"Clinic B","code":"FB","path":"/Y/OtherFac002","level":3}"#
                ),
                try Self.decode(
                    #"{"id":"OtherFac003","name":"Clinic C","code":"FC","path":"/Y/OtherFac003","level":3}"#
                ),
            ]
        )
        let report = try check(.code).run(source: source, destination: destination)
        // Only Deaths: it has no code at the source, so it cannot travel under CODE.
        #expect(report.groups.map(\.kind) == [.noCode(.dataElement)], "\(report.problems)")
        #expect(report.problems.first?.object == "Deaths (Element0002)")
        // By UID nothing of the source is there.
        let byUID = try check(.uid).run(source: source, destination: destination)
        #expect(byUID.groups.contains { $0.kind == .missing(.dataSet) })
    }

    @Test func aMappedKindResolvesOnlyThroughItsMappings() throws {
        let source = try Self.source()
        var check = try check()
        check.mappings[.orgUnit] = ["Facility001": "Facility001", "Facility002": "Facility002"]
        let report = check.run(source: source, destination: source)
        #expect(report.groups.map(\.kind) == [.unmapped(.orgUnit)])
        #expect(report.problems.first?.object == "Clinic C (Facility003)")
        #expect(report.lines(pair: "p").contains("  1 org units without a confirmed mapping"))
    }

    @Test func periodsAreClosedByInputPeriodsExpiryAndTheFutureLimit() throws {
        let dataSet: DataSetMembers = try Self.decode(
            """
            {"id":"DataSet0001","name":"Monthly","periodType":"Monthly","openFuturePeriods":1,
             "dataInputPeriods":[{"period":{"id":"202401"},"openingDate":"2024-02-01T00:00:00.000",
                                  "closingDate":"2024-02-10T00:00:00.000"},
                                 {"period":{"id":"202407"}}]}
            """
        )
        let today = CalendarDate(iso: "2024-06-15")!
        func reason(_ id: String, _ set: DataSetMembers = dataSet) -> String? {
            PreflightCheck.closedReason(Period.parse(id)!, set, today: today)
        }
        #expect(reason("202401") == "closed for entry on 2024-02-10")
        #expect(reason("202402") == "not among the data set's data input periods")
        #expect(reason("202407") == nil)
        var open: DataSetMembers = dataSet
        open.dataInputPeriods = []
        #expect(reason("202406", open) == nil)
        #expect(reason("202407", open) == nil)
        #expect(reason("202408", open) == "after the latest open future period 202407 (open future periods 1)")
        open.expiryDays = 20
        #expect(reason("202405", open) == nil)
        #expect(reason("202404", open) == "expired on 2024-05-20 (expiry days 20)")
    }
}
