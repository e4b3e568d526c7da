package demo

// rng is SplitMix64: tiny, fast and fully specified here, so the same seed
// gives the same data on every Go version and platform (math/rand makes no
// such promise across releases). No floating point is used anywhere in the
// generator, so fused multiply-add on some CPUs cannot change an amount.
type rng struct{ s uint64 }

const golden = 0x9E3779B97F4A7C15

// newRNG returns a generator for one stream of the seed. Streams are
// independent, so adding a stream (or a process) does not shift the others.
func newRNG(seed int64, stream uint64) *rng {
	r := &rng{s: uint64(seed)}
	r.s ^= mix64(stream + golden)
	return r
}

func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

func (r *rng) next() uint64 {
	r.s += golden
	return mix64(r.s)
}

// intn returns a number in [0, n). The modulo bias is far below anything
// that matters for demo data.
func (r *rng) intn(n int) int {
	if n <= 0 {
		panic("demo: intn of non-positive n")
	}
	return int(r.next() % uint64(n))
}

// between returns a number in [lo, hi].
func (r *rng) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.intn(hi-lo+1)
}

// between64 returns a number in [lo, hi].
func (r *rng) between64(lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	return lo + int64(r.next()%uint64(hi-lo+1))
}

// chance reports true with a probability of permille/1000.
func (r *rng) chance(permille int) bool { return r.intn(1000) < permille }

// weighted returns an index into weights, chosen with probability
// proportional to its weight. Zero weights are never chosen.
func (r *rng) weighted(weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	if total <= 0 {
		panic("demo: no positive weight")
	}
	n := r.intn(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	panic("unreachable")
}

// shuffle permutes n elements with swap (Fisher-Yates).
func (r *rng) shuffle(n int, swap func(i, j int)) {
	for i := n - 1; i > 0; i-- {
		swap(i, r.intn(i+1))
	}
}
