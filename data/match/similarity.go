package match

import "unicode/utf8"

// editBudget is the number of edits allowed between two tokens of the
// given (longest) length: short tokens must match exactly, so that "jong"
// never pairs with "yong" and "pti" never with "putin".
func editBudget(maxLen int) int {
	switch {
	case maxLen <= 4:
		return 0
	case maxLen <= 7:
		return 1
	case maxLen <= 11:
		return 2
	}
	return 3
}

// fuzzyScore returns 1 - edits/length for two tokens within the edit
// budget, else 0. Edits are optimal-string-alignment (Levenshtein plus
// adjacent transpositions: "putni" is one edit from "putin").
func fuzzyScore(a, b string) float64 {
	if a == b {
		return 1
	}
	la, lb := utf8.RuneCountInString(a), utf8.RuneCountInString(b)
	maxLen := la
	if lb > maxLen {
		maxLen = lb
	}
	budget := editBudget(maxLen)
	if budget == 0 || abs(la-lb) > budget {
		return 0
	}
	d := osaDistance(a, b, budget)
	if d > budget {
		return 0
	}
	return 1 - float64(d)/float64(maxLen)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// osaDistance is the optimal string alignment distance, cut off at max
// (any value above max is returned as max+1).
func osaDistance(a, b string, max int) int {
	var ra, rb [48]rune
	as, bs := toRunes(a, ra[:0]), toRunes(b, rb[:0])
	n, m := len(as), len(bs)
	if n == 0 {
		return m
	}
	if m == 0 {
		return n
	}
	var buf [3 * 49]int
	var rows []int
	if 3*(m+1) <= len(buf) {
		rows = buf[:3*(m+1)]
	} else {
		rows = make([]int, 3*(m+1))
	}
	prev2, prev, cur := rows[0:m+1], rows[m+1:2*(m+1)], rows[2*(m+1):]
	for j := 0; j <= m; j++ {
		prev[j] = j
	}
	for i := 1; i <= n; i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= m; j++ {
			cost := 1
			if as[i-1] == bs[j-1] {
				cost = 0
			}
			v := prev[j-1] + cost
			if x := prev[j] + 1; x < v {
				v = x
			}
			if x := cur[j-1] + 1; x < v {
				v = x
			}
			if i > 1 && j > 1 && as[i-1] == bs[j-2] && as[i-2] == bs[j-1] {
				if x := prev2[j-2] + 1; x < v {
					v = x
				}
			}
			cur[j] = v
			if v < rowMin {
				rowMin = v
			}
		}
		if rowMin > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[m]
}

func toRunes(s string, buf []rune) []rune {
	for _, r := range s {
		buf = append(buf, r)
	}
	return buf
}
