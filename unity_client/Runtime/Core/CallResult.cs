using System;

namespace WorldStream.Core
{
    /// <summary>The outcome of a call: a value, or a typed <see cref="WorldStreamError"/>.</summary>
    public sealed class CallResult<T>
    {
        readonly T value;

        CallResult(T value, WorldStreamError error)
        {
            this.value = value;
            Error = error;
        }

        public static CallResult<T> Ok(T value) => new CallResult<T>(value, null);

        public static CallResult<T> Fail(WorldStreamError error) =>
            new CallResult<T>(default(T), error ?? throw new ArgumentNullException(nameof(error)));

        public bool IsOk => Error == null;

        /// <summary>Null when the call succeeded.</summary>
        public WorldStreamError Error { get; }

        /// <summary>The value; reading it from a failed result throws with the error's text.</summary>
        public T Value
        {
            get
            {
                if (Error != null) throw new InvalidOperationException("the call failed: " + Error);
                return value;
            }
        }
    }
}
