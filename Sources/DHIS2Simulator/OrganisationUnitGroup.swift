/// An org unit group, used by `GET /api/dataValueSets?orgUnitGroup=` (reference §1.1).
public struct OrganisationUnitGroup: Sendable, Hashable {
    public var identity: Identity
    /// Member org units, sorted.
    public var members: [Int]
}

extension SimulatorMetadata {
    /// Facility-type groups over the facilities (the leaves of the tree), from their own random stream so that
    /// adding them changed no other UID. Call after the hierarchy is final (`normaliseHierarchy`).
    mutating func generateOrgUnitGroups(seed: UInt64) {
        var uids = SplitMix64.stream(seed: seed, label: "orgUnitGroups")
        let created = Timestamp(daysSinceEpoch: Timestamp.days(year: 2019, month: 3, day: 1)!)
        let kinds = [("Clinics", "OUG_CLINIC"), ("Health centres", "OUG_HC"), ("Hospitals", "OUG_HOSPITAL")]
        let leaves = organisationUnits.indices.filter { organisationUnits[$0].subtreeEnd == $0 + 1 }
        organisationUnitGroups = kinds.enumerated().map { position, kind in
            OrganisationUnitGroup(
                identity: Identity(id: UID.generate(using: &uids), code: kind.1, name: kind.0, created: created),
                members: leaves.filter { $0 % kinds.count == position }
            )
        }
    }
}
