package iconect

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pagerRows is a list of n ints served in pages of size, by start row (as
// listJobs pages), counting fetches and failing the fetches in fail.
type pagerRows struct {
	n, size int
	fetches int
	fail    map[int]error // by fetch number, from 1
}

func (r *pagerRows) fetch(_ context.Context, start int) ([]int, int, bool, error) {
	r.fetches++
	if err := r.fail[r.fetches]; err != nil {
		return nil, start, false, err
	}
	var out []int
	for i := start; i < min(start+r.size, r.n); i++ {
		out = append(out, i)
	}
	next := start + len(out)
	return out, next, next < r.n, nil
}

func collectPager(t *testing.T, seq func(func(int, error) bool)) ([]int, []error) {
	t.Helper()
	var got []int
	var errs []error
	for v, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, v)
	}
	return got, errs
}

func TestPagerStartRows(t *testing.T) {
	r := &pagerRows{n: 25, size: 10}
	p := newPager(0, r.fetch)
	got, errs := collectPager(t, p.All(context.Background()))
	assert.Empty(t, errs)
	assert.Len(t, got, 25)
	for i, v := range got {
		assert.Equal(t, i, v)
	}
	assert.Equal(t, 3, r.fetches, "the last page's 'no more' saves a request")
	assert.True(t, p.Done())
	assert.Equal(t, 25, p.Position())

	// done: All and Next fetch nothing more
	got, _ = collectPager(t, p.All(context.Background()))
	assert.Empty(t, got)
	page, err := p.Next(context.Background())
	assert.NoError(t, err)
	assert.Nil(t, page)
	assert.Equal(t, 3, r.fetches)
}

func TestPagerResume(t *testing.T) {
	r := &pagerRows{n: 30, size: 10}
	p := newPager(0, r.fetch)
	first, err := p.Next(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 0, first[0])
	saved := p.Position()
	assert.Equal(t, 10, saved)

	// a new pager from the saved position carries on where it stopped
	rest, errs := collectPager(t, newPager(saved, r.fetch).All(context.Background()))
	assert.Empty(t, errs)
	assert.Equal(t, 20, len(rest))
	assert.Equal(t, 10, rest[0])
}

func TestPagerBreakAndError(t *testing.T) {
	r := &pagerRows{n: 100, size: 10}
	p := newPager(0, r.fetch)
	for v, err := range p.All(context.Background()) {
		require.NoError(t, err)
		if v == 12 {
			break
		}
	}
	assert.Equal(t, 2, r.fetches, "a break fetches no more pages")
	assert.Equal(t, 20, p.Position(), "the pager is past the pages it fetched")
	assert.False(t, p.Done())

	boom := errors.New("boom")
	r = &pagerRows{n: 100, size: 10, fail: map[int]error{2: boom}}
	p = newPager(0, r.fetch)
	got, errs := collectPager(t, p.All(context.Background()))
	assert.Len(t, got, 10)
	require.Len(t, errs, 1, "the first error ends the walk")
	assert.ErrorIs(t, errs[0], boom)
	assert.Equal(t, 10, p.Position(), "a failed page is not passed")

	// the same pager carries on: the failed page is fetched again
	got, errs = collectPager(t, p.All(context.Background()))
	assert.Empty(t, errs)
	assert.Len(t, got, 90)

	// breaking out right after an error's yield ends the walk too
	r = &pagerRows{n: 100, size: 10, fail: map[int]error{1: boom}}
	for _, err := range newPager(0, r.fetch).All(context.Background()) {
		assert.ErrorIs(t, err, boom)
		break
	}
}

func TestItems(t *testing.T) {
	r := &pagerRows{n: 15, size: 10}
	made := 0
	seq := items(context.Background(), func() (*Pager[int], error) {
		made++
		return newPager(5, r.fetch), nil
	})
	for range 2 {
		got, errs := collectPager(t, seq)
		assert.Empty(t, errs)
		assert.Equal(t, []int{5, 6, 7, 8, 9, 10, 11, 12, 13, 14}, got)
	}
	assert.Equal(t, 2, made, "each range loop starts a fresh pager")

	bad := errors.New("bad options")
	got, errs := collectPager(t, items(context.Background(), func() (*Pager[int], error) { return nil, bad }))
	assert.Empty(t, got)
	assert.Equal(t, []error{bad}, errs)
}
