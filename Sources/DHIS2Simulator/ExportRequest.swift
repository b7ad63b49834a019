import DHIS2Periods

/// A validated `GET /api/dataValueSets` query (reference §1.1–1.2), with ids resolved against the metadata.
struct ExportRequest: Sendable {
    enum PeriodSelection: Sendable {
        case ids(Set<String>)
        /// Periods fully inside [start, end], in days since the epoch.
        case contained(startDay: Int, endDay: Int)
        case any
    }

    struct OutputSchemes: Sendable {
        var dataElement = IdScheme.uid
        var orgUnit = IdScheme.uid
        var optionCombo = IdScheme.uid
        var attributeOptionCombo = IdScheme.uid
        var dataSet = IdScheme.uid
    }

    var dataElements: Set<Int> = []
    var periods = PeriodSelection.any
    var orgUnits: [Int] = []
    var children = false
    var attributeOptionCombos: Set<Int>?
    var includeDeleted = false
    var lastUpdatedSince: Timestamp?
    var limit: Int?
    var schemes = OutputSchemes()
    /// Set for a "single data value set" request: one data set, one period, one org unit.
    var header: (dataSet: Int, period: String, orgUnit: Int)?

    /// Parses and validates in `DefaultDataValueSetService.validate`'s order; the error is the answer to send.
    static func parse(
        _ query: QueryParameters,
        metadata: SimulatorMetadata,
        version: ServerVersion,
        now: Timestamp,
        access: SimulatorConfiguration.ReadAccess = .init()
    ) -> Result<ExportRequest, WebMessage> {
        var request = ExportRequest()
        func scheme(_ name: String, fallback: IdScheme) -> Result<IdScheme, WebMessage> {
            guard let text = query[name] else { return .success(fallback) }
            guard let parsed = IdScheme(text) else {
                return .failure(
                    .badRequest("Value '\(text)' is not valid for parameter \(name). It should be of type IdScheme")
                )
            }
            return .success(parsed)
        }
        func date(_ name: String) -> Result<Timestamp?, WebMessage> {
            guard let text = query[name], !text.isEmpty else { return .success(nil) }
            guard let parsed = Timestamp(parsing: text) else {
                return .failure(
                    .badRequest("Value '\(text)' is not valid for parameter \(name). It should be of type Date")
                )
            }
            return .success(parsed)
        }
        do {
            let input = try scheme("inputIdScheme", fallback: .uid).get()
            let inputOrgUnit = try scheme("inputOrgUnitIdScheme", fallback: input).get()
            let inputDataSet = try scheme("inputDataSetIdScheme", fallback: input).get()
            let inputDataElement = try scheme("inputDataElementIdScheme", fallback: input).get()
            let output = try scheme("idScheme", fallback: .uid).get()
            request.schemes.dataElement = try scheme("dataElementIdScheme", fallback: output).get()
            request.schemes.orgUnit = try scheme("orgUnitIdScheme", fallback: output).get()
            request.schemes.optionCombo = try scheme("categoryOptionComboIdScheme", fallback: output).get()
            request.schemes.attributeOptionCombo = try scheme("attributeOptionComboIdScheme", fallback: output).get()
            request.schemes.dataSet = try scheme("dataSetIdScheme", fallback: output).get()

            // Unresolvable ids are dropped silently, as `getObjects` does; the checks below then fire.
            let dataSets = query.all("dataSet").compactMap { metadata.dataSet($0, inputDataSet) }
            for setIndex in dataSets {
                request.dataElements.formUnion(metadata.dataSets[setIndex].elements.map(\.dataElement))
            }
            if version.minor >= 39 {
                request.dataElements.formUnion(
                    query.all("dataElement").compactMap { metadata.dataElement($0, inputDataElement) }
                )
            }
            let periodIDs = query.all("period").compactMap { Period.parse($0, on: version)?.id }
            let start = try date("startDate").get()
            let end = try date("endDate").get()
            let lastUpdated = try date("lastUpdated").get()
            let duration = query["lastUpdatedDuration"].flatMap { $0.isEmpty ? nil : $0 }
            request.orgUnits = query.all("orgUnit").compactMap { metadata.orgUnit($0, inputOrgUnit) }
            request.children = query.flag("children") ?? false
            request.includeDeleted = query.flag("includeDeleted") ?? false
            let aocs = query.all("attributeOptionCombo").compactMap { metadata.optionCombo($0, input) }
            if !aocs.isEmpty { request.attributeOptionCombos = Set(aocs) }

            let groups = query.all("orgUnitGroup").compactMap { metadata.orgUnitGroup($0, input) }
            var limit: Int?
            if let text = query["limit"] {
                guard let parsed = Int(text) else {
                    return .failure(
                        .badRequest("Value '\(text)' is not valid for parameter limit. It should be of type Integer")
                    )
                }
                limit = parsed
            }
            let hasRange = start != nil && end != nil
            let durationMilliseconds = duration.flatMap(ExportRequest.durationMilliseconds)
            // DefaultDataValueSetService.validate (≤ 2.42) tests every rule and throws the last one that failed;
            // 2.43's DataExportService throws at the first. The rules are listed in their common order.
            let failed: [(Bool, () -> WebMessage)] = [
                (
                    request.dataElements.isEmpty,
                    {
                        .conflict(
                            "At least one data element, data set or data element group must be specified",
                            errorCode: "E2001"
                        )
                    }
                ),
                (
                    periodIDs.isEmpty && !hasRange && lastUpdated == nil && duration == nil,
                    {
                        .conflict(
                            "At least one period, start/end dates, last updated or last updated duration must be specified",
                            errorCode: "E2002"
                        )
                    }
                ),
                (
                    !periodIDs.isEmpty && hasRange,
                    { .conflict("Both periods and start/end date cannot be specified", errorCode: "E2003") }
                ),
                (
                    hasRange && start! > end!,
                    { .conflict("Start date must be before end date", errorCode: "E2004") }
                ),
                (
                    duration != nil && durationMilliseconds == nil,
                    { .conflict("Duration is not valid: `\(duration ?? "")`", errorCode: "E2005") }
                ),
                (
                    request.orgUnits.isEmpty && groups.isEmpty,
                    {
                        .conflict(
                            "At least one organisation unit or organisation unit group must be specified",
                            errorCode: "E2006"
                        )
                    }
                ),
                (
                    request.children && !groups.isEmpty,
                    {
                        .conflict(
                            "Organisation unit children cannot be included for organisation unit groups",
                            errorCode: "E2007"
                        )
                    }
                ),
                (
                    request.children && request.orgUnits.isEmpty,
                    {
                        .conflict(
                            "At least one organisation unit must be specified when children are included",
                            errorCode: "E2008"
                        )
                    }
                ),
                (
                    (limit ?? 0) < 0,
                    { .conflict("Limit cannot be less than zero: `\(limit ?? 0)`", errorCode: "E2009") }
                ),
            ]
            let failing = failed.lazy.filter(\.0).map { $0.1 }
            if let error = version.usesDataEntryRewrite ? failing.first : failing.reversed().first {
                return .failure(error())
            }
            var since = lastUpdated
            if let durationMilliseconds, lastUpdated == nil {
                since = Timestamp(milliseconds: now.milliseconds - durationMilliseconds)
            }
            request.lastUpdatedSince = since
            request.limit = limit
            // Sharing and the data-view hierarchy are checked last, as DataValueSetService.validate does.
            if let denied = dataSets.first(where: {
                access.unreadableDataSets.contains(metadata.dataSets[$0].identity.id)
            }) {
                let uid = metadata.dataSets[denied].identity.id
                return .failure(
                    .conflict("User is not allowed to read data for data set: `\(uid)`", errorCode: "E2010")
                )
            }
            if let denied = aocs.first(where: {
                access.unreadableAttributeOptionCombos.contains(metadata.categoryOptionCombos[$0].identity.id)
            }) {
                let uid = metadata.categoryOptionCombos[denied].identity.id
                return .failure(
                    .conflict(
                        "User is not allowed to read data for attribute option combo: `\(uid)`",
                        errorCode: "E2011"
                    )
                )
            }
            if let roots = access.dataViewRoots {
                let rootIndexes = roots.compactMap { metadata.orgUnit($0, .uid) }
                if let outside = request.orgUnits.first(where: { unit in
                    !rootIndexes.contains { metadata.isInSubtree(unit, of: $0) }
                }) {
                    let uid = metadata.organisationUnits[outside].identity.id
                    return .failure(.conflict("User is not allowed to view org unit: `\(uid)`", errorCode: "E2012"))
                }
            }
            if !periodIDs.isEmpty {
                request.periods = .ids(Set(periodIDs))
            } else if let start, let end {
                request.periods = .contained(startDay: start.daysSinceEpoch, endDay: end.daysSinceEpoch)
            }
            if dataSets.count == 1 && periodIDs.count == 1 && request.orgUnits.count == 1 {
                request.header = (dataSets[0], periodIDs[0], request.orgUnits[0])
            }
            // Checked for access and the single-set header without them: a group selects its members themselves
            // (E2007 forbids children with groups).
            for group in groups {
                request.orgUnits.append(contentsOf: metadata.organisationUnitGroups[group].members)
            }
            return .success(request)
        } catch {
            return .failure(error)
        }
    }

    /// `^(\d+)(d|h|m|s)$` (DateUtils.getDuration) in milliseconds.
    static func durationMilliseconds(_ text: String) -> Int64? {
        guard let unit = text.last, let amount = Int64(text.dropLast()), amount >= 0, text.count > 1 else { return nil }
        switch unit {
        case "d": return amount * 86_400_000
        case "h": return amount * 3_600_000
        case "m": return amount * 60_000
        case "s": return amount * 1000
        default: return nil
        }
    }
}

extension WebMessage: Error {}
