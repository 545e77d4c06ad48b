package publish

import (
	"fmt"
	"slices"
	"strings"
)

// Kind is a kind of notice whose posting period the law fixes. A notice
// names its kind with `kind:` in its front matter; publish refuses a
// period shorter than the minimum and warns when a kind that needs a
// period has none. The list and its legal sources are in feed/FORMAT.md
// ("Kinds of notice").
type Kind struct {
	ID   string
	Name string
	// Min is the shortest period the law allows, in working days when
	// Workdays is set, else in calendar days; 0: the law sets none.
	Min      int
	Workdays bool
	Law      string
}

// Kinds are the kinds publish knows.
var Kinds = []Kind{
	{ID: "land-pre-announcement", Name: "征收土地预公告", Min: 10, Workdays: true,
		Law: "《中华人民共和国土地管理法实施条例》第二十六条：预公告时间不得少于十个工作日"},
	{ID: "land-compensation-plan", Name: "征地补偿安置方案公告", Min: 30,
		Law: "《中华人民共和国土地管理法实施条例》第二十八条：公告时间不得少于30日"},
	{ID: "village-finance", Name: "村务财务公开",
		Law: "《中华人民共和国村民委员会组织法》第三十条：一般事项至少每季度公布一次，财务往来较多的每月公布一次（公布频次，无法定公示天数）"},
}

// kindOf finds a kind by id.
func kindOf(id string) (Kind, bool) {
	i := slices.IndexFunc(Kinds, func(k Kind) bool { return k.ID == id })
	if i < 0 {
		return Kind{}, false
	}
	return Kinds[i], true
}

// checkKind holds a notice's period against its kind's minimum. It
// returns a warning (a kind that needs a period has none) or an error.
func checkKind(kind string, days, workdays int) (warning, err error) {
	if kind == "" {
		return nil, nil
	}
	k, ok := kindOf(kind)
	if !ok {
		ids := make([]string, len(Kinds))
		for i, k := range Kinds {
			ids[i] = k.ID
		}
		return nil, fmt.Errorf("kind %q is unknown; the kinds are %s", kind, strings.Join(ids, ", "))
	}
	switch {
	case k.Min == 0:
		return nil, nil
	case days == 0 && workdays == 0:
		return breaks(RuleNoPeriod, k.Law, "a %s (kind %s) has no posting period: the law requires at least %s (%s); add %s",
			k.Name, k.ID, k.minimum(), k.Law, k.field(k.Min)), nil
	case k.Workdays && workdays == 0:
		return nil, breaks(RulePeriodWorkdays, k.Law, "a %s (kind %s) is posted for working days: use %s, not posting_days (%s)",
			k.Name, k.ID, k.field(days), k.Law)
	case !k.Workdays && days == 0:
		return nil, breaks(RulePeriodCalendar, k.Law, "a %s (kind %s) is posted for calendar days: use %s, not posting_workdays (%s)",
			k.Name, k.ID, k.field(workdays), k.Law)
	}
	if n := max(days, workdays); n < k.Min {
		return nil, breaks(RulePeriodShort, k.Law, "a %s (kind %s) must be posted for at least %s, not %d (%s)", k.Name, k.ID, k.minimum(), n, k.Law)
	}
	return nil, nil
}

func (k Kind) minimum() string {
	if k.Workdays {
		return fmt.Sprintf("%d working days", k.Min)
	}
	return fmt.Sprintf("%d days", k.Min)
}

func (k Kind) field(n int) string {
	if k.Workdays {
		return fmt.Sprintf("posting_workdays: %d", max(n, k.Min))
	}
	return fmt.Sprintf("posting_days: %d", max(n, k.Min))
}
