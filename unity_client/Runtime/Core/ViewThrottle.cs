using System;

namespace WorldStream.Core
{
    /// <summary>When a camera's view is worth a ViewUpdate.</summary>
    public sealed class ViewThrottleSettings
    {
        /// <summary>At most one update per this many seconds.</summary>
        public double MinIntervalSeconds = 0.1;

        /// <summary>A move at least this far (engine units) is worth an update.</summary>
        public double MinMove = 0.05;

        /// <summary>A turn at least this large (degrees) is worth an update.</summary>
        public double MinRotationDegrees = 1.0;

        /// <summary>
        /// A smaller change is sent once this long has passed since the last update, so the
        /// latest pose always reaches the server when the camera comes to rest.
        /// </summary>
        public double SettleSeconds = 0.5;
    }

    /// <summary>A view to send, with its ViewUpdate.sequence.</summary>
    public struct ViewToSend
    {
        public long Sequence;
        public CameraPose Pose;
    }

    /// <summary>
    /// Decides which of a camera's per-frame poses become ViewUpdates: a rate limit, plus a
    /// minimum movement or rotation (a field-of-view or viewport change always counts); a change
    /// below the thresholds is still sent after <see cref="ViewThrottleSettings.SettleSeconds"/>,
    /// so the last pose is never lost. Sequences start at 0 and increase by one per update.
    /// Call <see cref="Offer"/> every frame with the current pose. Main thread only.
    /// </summary>
    public sealed class ViewThrottle
    {
        readonly ViewThrottleSettings settings;
        bool sentAny;
        CameraPose lastSent;
        double lastSentAt;
        long nextSequence;

        public ViewThrottle(ViewThrottleSettings settings)
        {
            this.settings = settings ?? throw new ArgumentNullException(nameof(settings));
        }

        /// <summary>The sequence of the latest update handed out, or -1 before the first.</summary>
        public long LastSequence => nextSequence - 1;

        /// <summary>
        /// True (and the update in <paramref name="send"/>) when <paramref name="pose"/> should go
        /// to the server now. <paramref name="nowSeconds"/> is any monotonic clock.
        /// </summary>
        public bool Offer(CameraPose pose, double nowSeconds, out ViewToSend send)
        {
            string problem = pose.Problem();
            if (problem != null) throw new ArgumentException(problem, nameof(pose));
            send = default(ViewToSend);
            if (sentAny)
            {
                double elapsed = nowSeconds - lastSentAt;
                if (elapsed < settings.MinIntervalSeconds || pose.SameView(lastSent)) return false;
                bool significant = CameraPose.Distance(pose, lastSent) >= settings.MinMove
                    || CameraPose.AngleDegrees(pose, lastSent) >= settings.MinRotationDegrees
                    || pose.VerticalFovDegrees != lastSent.VerticalFovDegrees
                    || pose.ViewportWidth != lastSent.ViewportWidth
                    || pose.ViewportHeight != lastSent.ViewportHeight;
                if (!significant && elapsed < settings.SettleSeconds) return false;
            }
            sentAny = true;
            lastSent = pose;
            lastSentAt = nowSeconds;
            send = new ViewToSend { Sequence = nextSequence++, Pose = pose };
            return true;
        }

        /// <summary>Forget the last pose (a new stream): the next offer is sent at once.</summary>
        public void Reset()
        {
            sentAny = false;
        }
    }
}
