package arrayquery

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestConvertBothWays(t *testing.T) {
	q := url.Values{"ids": {"1", "2", "3"}, "page": {"2"}}
	Convert(q, "ids", false, true)
	assert.Equal(t, url.Values{"ids": {"1,2,3"}, "page": {"2"}}, q)
	Convert(q, "ids", true, false)
	assert.Equal(t, url.Values{"ids": {"1", "2", "3"}, "page": {"2"}}, q)

	Convert(q, "absent", false, true)
	assert.False(t, q.Has("absent"), "a parameter not sent stays unsent")
	Convert(q, "ids", false, false)
	assert.Equal(t, []string{"1", "2", "3"}, q["ids"], "same form: unchanged")
}

func TestValuesAndSet(t *testing.T) {
	assert.Equal(t, []string{"1", "2", "3"}, Values(url.Values{"ids": {"1,2", "3"}}, "ids", true))
	assert.Empty(t, Values(url.Values{"ids": {""}}, "ids", true), "an empty value holds no IDs")
	q := url.Values{"ids": {"9"}}
	Set(q, "ids", nil, true)
	assert.False(t, q.Has("ids"))
}

func TestCheck(t *testing.T) {
	assert.NoError(t, Check(url.Values{"ids": {"1"}}, "ids", true))
	assert.NoError(t, Check(url.Values{"ids": {"1"}}, "ids", false))
	assert.NoError(t, Check(url.Values{"ids": {"1,2"}}, "ids", true))
	assert.NoError(t, Check(url.Values{"ids": {"1", "2"}}, "ids", false))
	assert.ErrorContains(t, Check(url.Values{"ids": {"1", "2"}}, "ids", true), "repeated keys")
	assert.ErrorContains(t, Check(url.Values{"ids": {"1,2"}}, "ids", false), "comma separated")
}
