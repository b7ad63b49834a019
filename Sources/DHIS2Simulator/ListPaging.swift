/// `page` and `pageSize` of a paged metadata list (reference §4.1): which slice to answer, and its `pager`.
struct ListPaging {
    var number: Int
    var pageSize: Int
    var pageCount: Int
    var total: Int
    /// The positions of the answered objects among all matches.
    var range: Range<Int>

    init(_ query: QueryParameters, total: Int) {
        self.total = total
        pageSize = max(1, query["pageSize"].flatMap { Int($0) } ?? 50)
        pageCount = max(1, (total + pageSize - 1) / pageSize)
        number = max(1, query["page"].flatMap { Int($0) } ?? 1)
        let start = min(total, (number - 1) * pageSize)
        range = start..<min(total, start + pageSize)
    }

    /// The `pager` object; `link` gives the URL of another page, for `nextPage`/`prevPage`.
    func pager(link: ((Int) -> String)? = nil) -> JSONValue {
        var pager = JSONObjectBuilder()
        pager.add("page", number)
        pager.add("total", total)
        pager.add("pageSize", pageSize)
        if let link, number < pageCount { pager.add("nextPage", link(number + 1)) }
        if let link, number > 1 { pager.add("prevPage", link(number - 1)) }
        pager.add("pageCount", pageCount)
        return pager.value
    }
}
