package kit

// The editing keys of a keypad, the villager's search keypad and the
// admin's PIN and edit pads alike.
const (
	KeyDelete = "删除"
	KeyClear  = "清空"
)

// KeyGap is the space between the keys of a keypad.
const KeyGap float32 = 10
