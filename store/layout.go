package store

// Layout of dir/store.db. Every bucket is at the top level; keys and values
// are bytes as described. Item ids and category ids are feed ids
// ([a-z0-9._-], never containing 0x00), so 0x00 can separate the parts of
// an index key.
//
//	meta        "schema"   → schemaVersion
//	            "state"    → JSON of State
//	            "manifest" → exact bytes of the applied manifest
//	items       id → exact item object bytes, as verified against the manifest
//	sums        id → SHA-256 hex of the item object (what Check and ItemSums compare)
//	records     id → JSON of record: the item's Summary and its attachments
//	by_category category 0x00 id → empty
//	by_location code-prefix-or-"all" 0x00 id → empty
//	by_until    valid_until-or-"9999-12-31" 0x00 id → empty (validity order, for
//	            expiry sweeps and "ends soon" lists)
//	search      id → search document (see encodeSearchDoc): the indexed text
//	            of the item with the pinyin initials of every character,
//	            from which the in-memory inverted index is built
//
// Attachments are not in the database: dir/blobs/<first 2 hex>/<sha256 hex>.
const (
	dbFile  = "store.db"
	blobDir = "blobs"

	schemaVersion = "gongkai-store/1"
)

var (
	bucketMeta       = []byte("meta")
	bucketItems      = []byte("items")
	bucketSums       = []byte("sums")
	bucketRecords    = []byte("records")
	bucketByCategory = []byte("by_category")
	bucketByLocation = []byte("by_location")
	bucketByUntil    = []byte("by_until")
	bucketSearch     = []byte("search")

	allBuckets = [][]byte{
		bucketMeta, bucketItems, bucketSums, bucketRecords,
		bucketByCategory, bucketByLocation, bucketByUntil, bucketSearch,
	}

	keySchema   = []byte("schema")
	keyState    = []byte("state")
	keyManifest = []byte("manifest")
)

// openEnd stands for "no valid_until" in by_until, sorting after every date.
const openEnd = "9999-12-31"

// indexKey joins the parts of an index key.
func indexKey(value, id string) []byte {
	k := make([]byte, 0, len(value)+1+len(id))
	k = append(k, value...)
	k = append(k, 0)
	return append(k, id...)
}
