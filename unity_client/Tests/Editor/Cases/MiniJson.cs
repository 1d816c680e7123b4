using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace WorldStream.Tests
{
    /// <summary>
    /// Enough JSON to read the golden vectors: objects (Dictionary), arrays (List), numbers
    /// (double), strings, true, false, null. Unity's JsonUtility cannot read nested arrays and
    /// Mono's profile here has no System.Text.Json, hence this.
    /// </summary>
    public static class MiniJson
    {
        public static object Parse(string text)
        {
            int at = 0;
            var value = ReadValue(text, ref at);
            SkipSpace(text, ref at);
            if (at != text.Length) throw Error(at, "text after the value");
            return value;
        }

        static object ReadValue(string s, ref int at)
        {
            SkipSpace(s, ref at);
            if (at >= s.Length) throw Error(at, "unexpected end");
            char c = s[at];
            if (c == '{') return ReadObject(s, ref at);
            if (c == '[') return ReadArray(s, ref at);
            if (c == '"') return ReadString(s, ref at);
            if (Literal(s, ref at, "true")) return true;
            if (Literal(s, ref at, "false")) return false;
            if (Literal(s, ref at, "null")) return null;
            return ReadNumber(s, ref at);
        }

        static Dictionary<string, object> ReadObject(string s, ref int at)
        {
            var result = new Dictionary<string, object>();
            at++;
            SkipSpace(s, ref at);
            if (at < s.Length && s[at] == '}') { at++; return result; }
            while (true)
            {
                SkipSpace(s, ref at);
                string key = ReadString(s, ref at);
                SkipSpace(s, ref at);
                Expect(s, ref at, ':');
                result[key] = ReadValue(s, ref at);
                SkipSpace(s, ref at);
                if (at < s.Length && s[at] == ',') { at++; continue; }
                Expect(s, ref at, '}');
                return result;
            }
        }

        static List<object> ReadArray(string s, ref int at)
        {
            var result = new List<object>();
            at++;
            SkipSpace(s, ref at);
            if (at < s.Length && s[at] == ']') { at++; return result; }
            while (true)
            {
                result.Add(ReadValue(s, ref at));
                SkipSpace(s, ref at);
                if (at < s.Length && s[at] == ',') { at++; continue; }
                Expect(s, ref at, ']');
                return result;
            }
        }

        static string ReadString(string s, ref int at)
        {
            Expect(s, ref at, '"');
            var text = new StringBuilder();
            while (at < s.Length && s[at] != '"')
            {
                char c = s[at++];
                if (c != '\\') { text.Append(c); continue; }
                if (at >= s.Length) break;
                char e = s[at++];
                switch (e)
                {
                    case 'n': text.Append('\n'); break;
                    case 't': text.Append('\t'); break;
                    case 'r': text.Append('\r'); break;
                    case 'b': text.Append('\b'); break;
                    case 'f': text.Append('\f'); break;
                    case 'u':
                        if (at + 4 > s.Length) throw Error(at, "short \\u escape");
                        text.Append((char)int.Parse(s.Substring(at, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                        at += 4;
                        break;
                    default: text.Append(e); break;
                }
            }
            Expect(s, ref at, '"');
            return text.ToString();
        }

        static double ReadNumber(string s, ref int at)
        {
            int start = at;
            while (at < s.Length && "+-0123456789.eE".IndexOf(s[at]) >= 0) at++;
            if (start == at) throw Error(at, "unexpected '" + s[at] + "'");
            return double.Parse(s.Substring(start, at - start), NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        static bool Literal(string s, ref int at, string word)
        {
            if (string.CompareOrdinal(s, at, word, 0, word.Length) != 0) return false;
            at += word.Length;
            return true;
        }

        static void Expect(string s, ref int at, char c)
        {
            if (at >= s.Length || s[at] != c) throw Error(at, "expected '" + c + "'");
            at++;
        }

        static void SkipSpace(string s, ref int at)
        {
            while (at < s.Length && char.IsWhiteSpace(s[at])) at++;
        }

        static FormatException Error(int at, string what) => new FormatException("JSON at " + at + ": " + what);
    }
}
