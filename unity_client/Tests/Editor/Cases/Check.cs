using System;
using System.Globalization;

namespace WorldStream.Tests
{
    /// <summary>A case that cannot run here (missing data); the runners report it as skipped.</summary>
    public sealed class CaseSkippedException : Exception
    {
        public CaseSkippedException(string reason) : base(reason) { }
    }

    /// <summary>A failed expectation.</summary>
    public sealed class CheckFailedException : Exception
    {
        public CheckFailedException(string message) : base(message) { }
    }

    /// <summary>
    /// The assertions the cases use. Plain C# so that one set of cases runs both under the Mono
    /// console runner (no NUnit there) and as Unity EditMode tests (NUnit reports the exception).
    /// </summary>
    public static class Check
    {
        public static void True(bool condition, string what)
        {
            if (!condition) throw new CheckFailedException(what);
        }

        public static void Equal<T>(T expected, T actual, string what)
        {
            if (!Equals(expected, actual))
            {
                throw new CheckFailedException(what + ": expected " + Show(expected) + ", got " + Show(actual));
            }
        }

        /// <summary>|actual - expected| &lt;= atol + rtol |expected|, the vectors' tolerance.</summary>
        public static void Close(double expected, double actual, double atol, double rtol, string what)
        {
            if (!(Math.Abs(actual - expected) <= atol + rtol * Math.Abs(expected)))
            {
                throw new CheckFailedException(what + ": expected " + Show(expected) + ", got " + Show(actual));
            }
        }

        /// <summary>Runs the action and returns the exception of type T it throws; anything else fails.</summary>
        public static T Throws<T>(Action action, string what) where T : Exception
        {
            try
            {
                action();
            }
            catch (T expected)
            {
                return expected;
            }
            catch (Exception other)
            {
                throw new CheckFailedException(
                    what + ": expected " + typeof(T).Name + ", got " + other.GetType().Name + ": " + other.Message);
            }
            throw new CheckFailedException(what + ": expected " + typeof(T).Name + ", nothing was thrown");
        }

        public static void Contains(string needle, string haystack, string what)
        {
            if (haystack == null || haystack.IndexOf(needle, StringComparison.Ordinal) < 0)
            {
                throw new CheckFailedException(what + ": '" + haystack + "' does not contain '" + needle + "'");
            }
        }

        public static void Skip(string reason)
        {
            throw new CaseSkippedException(reason);
        }

        static string Show(object value)
        {
            if (value == null) return "null";
            if (value is double d) return d.ToString("R", CultureInfo.InvariantCulture);
            if (value is float f) return f.ToString("R", CultureInfo.InvariantCulture);
            return value.ToString();
        }
    }
}
