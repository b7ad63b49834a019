import DHIS2Periods

extension SimulatorResponder {
    /// `/api/system/info` with the fields of reference §5.5 that a client uses; `fields` is honoured for
    /// top-level names.
    func systemInfo(_ call: Call) -> JSONValue {
        let now = Timestamp.now()
        var builder = JSONObjectBuilder()
        builder.add("contextPath", call.baseURL)
        builder.add("userAgent", "dhis2-sim")
        builder.add("calendar", "iso8601")
        builder.add("dateFormat", "yyyy-mm-dd")
        builder.add("serverDate", now.isoNoZone)
        builder.add("serverTimeZoneId", "Etc/UTC")
        builder.add("serverTimeZoneDisplayName", "Coordinated Universal Time")
        builder.add("version", core.version.description)
        builder.add("revision", String(core.systemID.lowercased().prefix(9)))
        builder.add("buildTime", core.startedAt.isoNoZone)
        builder.add("readOnlyMode", "OFF")
        builder.add("nodeId", "dhis2-sim")
        builder.add("encryption", false)
        builder.add("emailConfigured", false)
        builder.add("redisEnabled", false)
        builder.add("systemId", core.systemID)
        builder.add("systemName", core.configuration.systemName)
        builder.add("instanceBaseUrl", call.baseURL)
        builder.add("isMetadataVersionEnabled", false)
        builder.add("isMetadataSyncEnabled", false)
        let info = builder.value
        guard let fields = call.query["fields"], fields != "*" else { return info }
        let wanted = Set(FieldSelection(parsing: fields).fields.map(\.name))
        return .object((info.objectValue ?? []).filter { wanted.contains($0.key) })
    }

    /// `/api/me` (reference §5.5): the user, with its data capture org units (`writeAccess.captureRoots`) and
    /// data view org units (`readAccess.dataViewRoots`), each defaulting to the roots of the hierarchy.
    func me(_ call: Call) -> JSONValue {
        let metadata = core.store.metadata
        let roots = metadata.organisationUnits.filter { $0.parent == nil }.map(\.identity.id)
        func references(_ ids: [String]?) -> JSONValue {
            .array((ids ?? roots).map { .object([JSONMember("id", .string($0))]) })
        }
        let access = core.configuration.writeAccess
        let authorities =
            access.superuser ? ["ALL"] : ["F_DATAVALUE_ADD", "F_DATAVALUE_DELETE", "M_dhis-web-aggregate-data-entry"]
        var builder = JSONObjectBuilder()
        builder.add("id", core.userID)
        builder.add("username", call.username)
        builder.add("surname", "Admin")
        builder.add("firstName", "System")
        builder.add("name", "System Admin")
        builder.add("displayName", "System Admin")
        builder.add("email", "admin@example.org")
        builder.add("organisationUnits", references(access.captureRoots))
        builder.add("dataViewOrganisationUnits", references(core.configuration.readAccess.dataViewRoots))
        builder.add("teiSearchOrganisationUnits", .array([]))
        builder.add("userRoles", .array([.object([JSONMember("id", .string("yrB6vc5Ip3r"))])]))
        builder.add("authorities", .array(authorities.map { .string($0) }))
        builder.add("dataSets", .array(metadata.dataSets.map { .string($0.identity.id) }))
        builder.add("programs", .array([]))
        builder.add("settings", .object([]))
        builder.add("patTokens", .array([]))
        builder.add("attributeValues", .array([]))
        let user = builder.value
        guard let fields = call.query["fields"], fields != "*" else { return user }
        let wanted = Set(FieldSelection(parsing: fields).fields.map(\.name))
        return .object((user.objectValue ?? []).filter { wanted.contains($0.key) })
    }

    /// `/api/periodTypes` for the types the server version knows.
    func periodTypes() -> JSONValue {
        let types = PeriodType.allCases.filter { $0.minimumServerMinorVersion <= core.version.minor }
        return .object([
            JSONMember(
                "periodTypes",
                .array(
                    types.enumerated().map { position, type in
                        .object([
                            JSONMember("name", .string(type.rawValue)),
                            JSONMember("frequencyOrder", .int(position + 1)),
                        ])
                    }
                )
            )
        ])
    }
}
