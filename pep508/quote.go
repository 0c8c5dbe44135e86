package pep508

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// unquote reads a quoted-string token ('...' or "...", quotes included) as
// a Python string literal, as packaging does with ast.literal_eval:
// backslash escapes are processed. It returns the value, or an explanation
// of why the literal is invalid.
func unquote(tok string) (string, string) {
	body := tok[1 : len(tok)-1]
	if !strings.ContainsAny(body, "\\\n\r\x00") {
		return body, ""
	}
	var b strings.Builder
	for i := 0; i < len(body); {
		c := body[i]
		switch c {
		case '\n', '\r':
			return "", "a line break inside quotes ends the line before the closing quote"
		case 0:
			return "", "a quoted string cannot contain a NUL byte"
		}
		if c != '\\' {
			b.WriteByte(c)
			i++
			continue
		}
		if i+1 == len(body) {
			return "", "the backslash at its end escapes the closing quote"
		}
		e := body[i+1]
		i += 2
		switch e {
		case '\n':
			// A backslash before a line break continues the line.
		case '\r':
			if i < len(body) && body[i] == '\n' {
				i++
			}
		case '\\', '\'', '"':
			b.WriteByte(e)
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte('\v')
		case '0', '1', '2', '3', '4', '5', '6', '7':
			r := rune(e - '0')
			for n := 1; n < 3 && i < len(body) && '0' <= body[i] && body[i] <= '7'; n++ {
				r = r*8 + rune(body[i]-'0')
				i++
			}
			b.WriteRune(r)
		case 'x', 'u', 'U':
			digits := 2
			if e == 'u' {
				digits = 4
			} else if e == 'U' {
				digits = 8
			}
			var r uint32
			for n := 0; n < digits; n++ {
				if i+n >= len(body) || !isHex(body[i+n]) {
					return "", `truncated \` + string(e) + " escape: it needs " + strconv.Itoa(digits) + " hex digits"
				}
				r = r<<4 | uint32(unhex(body[i+n]))
			}
			i += digits
			switch {
			case r > utf8.MaxRune:
				return "", `\` + body[i-digits-1:i] + " is beyond the last Unicode code point"
			case 0xd800 <= r && r <= 0xdfff:
				return "", `\` + body[i-digits-1:i] + " is a lone surrogate, which UTF-8 cannot hold"
			}
			b.WriteRune(rune(r))
		case 'N':
			return "", `\N{...} escapes are not supported; write the character itself`
		default:
			// Python keeps unknown escapes as written (with a warning).
			b.WriteByte('\\')
			b.WriteByte(e)
		}
	}
	return b.String(), ""
}

// quote writes v as a marker literal that reads back as v. Like packaging
// it prefers "v", then 'v' when v holds a double quote; a value neither
// form can carry (one with a backslash, a line break, a NUL or both quote
// characters) is written with Python escapes, which packaging cannot do.
func quote(b *strings.Builder, v string) {
	special := strings.ContainsAny(v, "\\\n\r\x00")
	switch {
	case !special && strings.IndexByte(v, '"') < 0:
		b.WriteByte('"')
		b.WriteString(v)
		b.WriteByte('"')
	case !special && strings.IndexByte(v, '\'') < 0:
		b.WriteByte('\'')
		b.WriteString(v)
		b.WriteByte('\'')
	default:
		b.WriteByte('"')
		for i := 0; i < len(v); i++ {
			switch c := v[i]; c {
			case '\\':
				b.WriteString(`\\`)
			case '"':
				// \" would end the token early: the tokenizer does not
				// know escapes, so the quote is written by code point.
				b.WriteString(`\x22`)
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			case 0:
				b.WriteString(`\x00`)
			default:
				b.WriteByte(c)
			}
		}
		b.WriteByte('"')
	}
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
