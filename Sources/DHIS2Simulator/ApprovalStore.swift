import Synchronization

/// Data approvals made through the test API (`DHIS2Simulator.approve`). Approving a data set makes it one
/// with an approval workflow; values under an approval are refused (E7642).
final class ApprovalStore: Sendable {
    struct Key: Hashable, Sendable {
        var dataSet: Int
        var period: String
        var orgUnit: Int
        var attributeOptionCombo: Int
    }

    private let approvals = Mutex<Set<Key>>([])

    func approve(_ key: Key) {
        approvals.withLock { _ = $0.insert(key) }
    }

    func unapprove(_ key: Key) {
        approvals.withLock { _ = $0.remove(key) }
    }

    /// A copy for one import, so that its per-value checks take no lock.
    var snapshot: Set<Key> { approvals.withLock { $0 } }
}
