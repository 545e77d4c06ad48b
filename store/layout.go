package store

// Layout of dir/store.db. Every bucket is at the top level; keys and values
// are bytes as described. Item ids and category ids are feed ids
// ([a-z0-9._-], never containing 0x00), so 0x00 can separate the parts of
// an index key.
//
//	meta        "schema"       → schemaVersion
//	            "state"        → JSON of State
//	            "manifest"     → exact bytes of the applied manifest
//	            "next_ordinal" → 4 bytes, big-endian (see ordinals)
//	            "calendar"     → exact bytes of the working-day calendar object the
//	                             manifest names (absent when it names none)
//	            "alerts"       → exact bytes of the applied alerts object (alerts.go)
//	            "alerts_state" → JSON of AlertState
//	shards      sha256 hex → exact bytes of a shard object the applied manifest
//	            names (shards.go; empty unless the manifest is sharded). Made on
//	            the first open for writing, so a read-only store of schema 5
//	            without it is sound.
//	items       id → exact item object bytes, as verified against the manifest
//	sums        id → SHA-256 hex of the item object (what Check and ItemSums compare)
//	records     id → record (see encodeRecord): the item's Summary and its attachments
//	by_location code-prefix-or-"all" 0x00 id → empty (the lists of a screen;
//	            withdrawn items too, as their records say so)
//	ordinals    id → ordinal (4 bytes, big-endian) of a searchable (not
//	            withdrawn) item: its number in the posting lists. An Apply
//	            numbers its new items by publication date, then id
//	            (inPublishedOrder), so a day's notices lie together
//	ids         ordinal → id (the reverse of ordinals: hits are listed and
//	            ordered by id without reading their documents)
//	docs        ordinal → search document (see encodeDoc): id, category,
//	            title, and agency + document number + body, the text search
//	            checks candidates against and takes highlights from
//	postings    term 0x00 chunk → roaring bitmap of the ordinals in chunk
//	            (ordinal >> 16, 2 bytes big-endian) that have the term; see
//	            index.go. Terms are field, kind, payload:
//	              t|r c  initial, rune         a Han character in the title | the rest
//	              t|r g  ini, ini, rune, rune  two adjacent Han characters
//	              t|r i  letter                some character with this pinyin initial
//	              t|r p  letter, letter        two adjacent characters with these initials
//	              t   G  ini, ini, rune, rune, pos+1   the pair g at rune position pos (< 63) of the title
//	              t   P  letter, letter, pos+1         the pair p at rune position pos (< 63) of the title
//	              r   3  ini ×3, rune ×3       three adjacent Han characters in the rest
//	              r   q  letter ×3             three adjacent characters with these initials in the rest
//	              t|r w  token prefix          a Latin or digit token's first 1..8 runes
//	              s   L  code or "all"         items targeting it (dates that parse only)
//	              s   F  date                  valid_from
//	              s   U  date                  valid_until
//	              s   f|u  month (YYYY-MM)     valid_from | valid_until in that month
//	              s   P  date                  published (the order of results)
//	              s   C  category id
//	              s   R  "urgent" or "pinned"  priority (normal items are in neither)
//	            Withdrawn items have no ordinal and are in no list.
//
// Everything but meta, items and sums is derived from the items and can be
// rebuilt from them (rebuild.go): an older schema is rebuilt on open, and
// damage Check finds in derived records is rebuilt by the next sync.
//
// Attachments are not in the database: dir/blobs/<first 2 hex>/<sha256 hex>.
const (
	dbFile  = "store.db"
	blobDir = "blobs"

	// schemaVersion names this layout. A store of an older one that is
	// opened for writing rebuilds its derived buckets from its items;
	// olderSchemas lists those it knows how to.
	schemaVersion = "gongkai-store/7"
)

var (
	bucketMeta       = []byte("meta")
	bucketItems      = []byte("items")
	bucketSums       = []byte("sums")
	bucketRecords    = []byte("records")
	bucketByLocation = []byte("by_location")
	bucketOrdinals   = []byte("ordinals")
	bucketIDs        = []byte("ids")
	bucketDocs       = []byte("docs")
	bucketPostings   = []byte("postings")
	bucketShards     = []byte("shards")

	allBuckets = [][]byte{
		bucketMeta, bucketItems, bucketSums, bucketRecords, bucketByLocation,
		bucketOrdinals, bucketIDs, bucketDocs, bucketPostings,
	}

	// derivedBuckets hold what rebuild makes again from the items.
	derivedBuckets = [][]byte{
		bucketRecords, bucketByLocation,
		bucketOrdinals, bucketIDs, bucketDocs, bucketPostings,
	}

	// olderSchemas are rebuilt on open, and formerBuckets, which this
	// schema has no more, dropped from them.
	olderSchemas = map[string]string{
		"gongkai-store/1": "a search bucket, no posting lists",
		"gongkai-store/2": "records without posting_workdays",
		"gongkai-store/3": "postings without the title's positional pairs",
		"gongkai-store/4": "postings without the priority sets",
		"gongkai-store/5": "postings without the normative and long-title sets",
		"gongkai-store/6": "by_category and by_until indexes, which nothing read",
	}
	formerBuckets = [][]byte{[]byte("search"), []byte("by_category"), []byte("by_until")}

	keySchema   = []byte("schema")
	keyState    = []byte("state")
	keyManifest = []byte("manifest")
	keyOrdinal  = []byte("next_ordinal") // the ordinal the next new searchable item gets
	keyCalendar = []byte("calendar")
)

// indexKey joins the parts of an index key.
func indexKey(value, id string) []byte {
	k := make([]byte, 0, len(value)+1+len(id))
	k = append(k, value...)
	k = append(k, 0)
	return append(k, id...)
}
