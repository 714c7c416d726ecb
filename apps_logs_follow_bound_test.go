package digitalocean

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// FollowLogs remembers at most maxCheckpointLines lines sharing the newest
// timestamp, however many the logs hold: a burst of lines in one second
// costs bounded memory (past the bound, a replayed line may come twice).
func TestFollowLogsRemembersABoundedGroup(t *testing.T) {
	f := &logFollower{}
	ts := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for i := range maxCheckpointLines + 500 {
		f.remember(ts, "line "+strconv.Itoa(i))
	}
	assert.Len(t, f.atNewest, maxCheckpointLines)
	assert.Equal(t, 4096, maxCheckpointLines)
	assert.Equal(t, "line 0", f.atNewest[0], "the oldest are kept: a replay starts with them")
	// A newer timestamp starts a new group.
	f.remember(ts.Add(time.Second), "next")
	assert.Equal(t, []string{"next"}, f.atNewest)
}
