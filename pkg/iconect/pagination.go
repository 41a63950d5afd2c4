package iconect

import (
	"context"
	"iter"
)

// Pager fetches a paged list one page at a time, from a position that can
// be saved and given back to resume: Position is where the next page
// starts (a page number for listRecords, from 1). A walk cut short — a
// crash, a deploy, a rate limit — resumes by passing the saved position as
// the start (ListRecordsOptions.Page, ...).
//
// A Pager is not safe for concurrent use.
type Pager[T any] struct {
	fetch pageFunc[T]
	pos   int
	done  bool
}

// pageFunc fetches the page at pos: its items, where the page after it
// starts, and whether there may be one (false ends the walk).
type pageFunc[T any] func(ctx context.Context, pos int) (items []T, next int, more bool, err error)

// newPager returns a pager at start. The services build pagers with it;
// each paging style (page numbers from 0 or 1, start rows) is its fetch.
func newPager[T any](start int, fetch pageFunc[T]) *Pager[T] {
	return &Pager[T]{fetch: fetch, pos: start}
}

// Next fetches the page at the pager's position and moves past it. After
// the last page it returns nil, nil and Done reports true. An error leaves
// the position where it was, so calling Next again retries that page.
func (p *Pager[T]) Next(ctx context.Context) ([]T, error) {
	if p.done {
		return nil, nil
	}
	items, next, more, err := p.fetch(ctx, p.pos)
	if err != nil {
		return nil, err
	}
	p.pos, p.done = next, !more
	return items, nil
}

// Done reports whether the last page has been fetched.
func (p *Pager[T]) Done() bool { return p.done }

// Position returns where the next page starts: save it, and give it back
// as the start of a new pager (or iterator) to carry on from there.
func (p *Pager[T]) Position() int { return p.pos }

// All yields every item from the pager's position to the end, fetching a
// page when the previous one is used up. It stops at the first error,
// which it yields with a zero item. Breaking out of the loop fetches
// nothing more. The pager moves along: after a break, Position is the
// start of the page after the last one fetched.
func (p *Pager[T]) All(ctx context.Context) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for !p.done {
			items, err := p.Next(ctx)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
		}
	}
}

// items returns an iterator over every item of the pagers mk makes: each
// range loop gets a fresh pager, so the iterator can be walked more than
// once. An error from mk (invalid options) is yielded once.
func items[T any](ctx context.Context, mk func() (*Pager[T], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		p, err := mk()
		if err != nil {
			var zero T
			yield(zero, err)
			return
		}
		p.All(ctx)(yield)
	}
}
