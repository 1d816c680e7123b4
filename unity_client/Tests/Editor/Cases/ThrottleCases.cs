using System;
using WorldStream.Core;

namespace WorldStream.Tests
{
    /// <summary>View-update throttling: rate limit, minimum change, the last pose always sent.</summary>
    public static class ThrottleCases
    {
        static ViewThrottleSettings Settings() => new ViewThrottleSettings
        {
            MinIntervalSeconds = 0.1,
            MinMove = 0.05,
            MinRotationDegrees = 1.0,
            SettleSeconds = 0.5,
        };

        static CameraPose Pose(double x, double yawDegrees = 0, double fov = 60)
        {
            double half = yawDegrees * Math.PI / 360.0;
            return new CameraPose
            {
                PositionX = x,
                RotationY = Math.Sin(half),
                RotationW = Math.Cos(half),
                VerticalFovDegrees = fov,
                ViewportWidth = 1280,
                ViewportHeight = 720,
            };
        }

        static bool Offer(ViewThrottle throttle, CameraPose pose, double now)
        {
            ViewToSend send;
            return throttle.Offer(pose, now, out send);
        }

        public static void The_first_pose_is_sent_at_once_as_sequence_zero()
        {
            var throttle = new ViewThrottle(Settings());
            ViewToSend send;
            Check.True(throttle.Offer(Pose(0), 5.0, out send), "first pose sent");
            Check.Equal(0L, send.Sequence, "sequence");
            Check.Equal(0L, throttle.LastSequence, "last sequence");
        }

        public static void A_big_move_waits_for_the_interval_then_goes()
        {
            var throttle = new ViewThrottle(Settings());
            Offer(throttle, Pose(0), 0.0);
            Check.True(!Offer(throttle, Pose(1), 0.05), "held inside the interval");
            ViewToSend send;
            Check.True(throttle.Offer(Pose(1), 0.1, out send), "sent once the interval passed");
            Check.Equal(1L, send.Sequence, "sequence");
            Check.Equal(1.0, send.Pose.PositionX, "the latest pose");
        }

        public static void A_small_drift_is_sent_only_after_the_settle_time()
        {
            var throttle = new ViewThrottle(Settings());
            Offer(throttle, Pose(0), 0.0);
            Check.True(!Offer(throttle, Pose(0.01), 0.2), "1 cm is below the threshold");
            Check.True(!Offer(throttle, Pose(0.02), 0.4), "2 cm still below");
            ViewToSend send;
            Check.True(throttle.Offer(Pose(0.02), 0.5, out send), "the resting pose goes after 0.5 s");
            Check.Equal(0.02, send.Pose.PositionX, "the latest pose");
            Check.True(!Offer(throttle, Pose(0.02), 10.0), "an unchanged pose is never sent again");
        }

        public static void A_turn_counts_from_one_degree()
        {
            var throttle = new ViewThrottle(Settings());
            Offer(throttle, Pose(0, 0), 0.0);
            Check.True(!Offer(throttle, Pose(0, 0.5), 0.2), "half a degree waits");
            Check.True(Offer(throttle, Pose(0, 1.5), 0.3), "a degree and a half goes");
        }

        public static void A_new_field_of_view_or_viewport_is_always_worth_an_update()
        {
            var throttle = new ViewThrottle(Settings());
            Offer(throttle, Pose(0), 0.0);
            Check.True(Offer(throttle, Pose(0, 0, 59.9), 0.2), "field of view");
            var resized = Pose(0, 0, 59.9);
            resized.ViewportWidth = 1920;
            Check.True(Offer(throttle, resized, 0.4), "viewport");
        }

        public static void A_camera_moving_every_frame_sends_at_most_the_rate_and_ends_on_its_last_pose()
        {
            var throttle = new ViewThrottle(Settings());
            int sent = 0;
            ViewToSend last = default(ViewToSend);
            double t = 0;
            // Two seconds at 60 fps moving 1 m/s, then standing still for one.
            for (int frame = 0; frame <= 180; frame++)
            {
                t = frame / 60.0;
                var pose = Pose(Math.Min(t, 2.0));
                ViewToSend send;
                if (throttle.Offer(pose, t, out send))
                {
                    Check.Equal(last.Sequence + (sent == 0 ? 0 : 1), send.Sequence, "sequences increase by one");
                    last = send;
                    sent++;
                }
            }
            Check.True(sent >= 19 && sent <= 22, "about 10 updates a second while moving, got " + sent);
            Check.Equal(2.0, last.Pose.PositionX, "the resting pose reached the server");
        }

        public static void Poses_the_server_would_refuse_are_argument_errors()
        {
            var throttle = new ViewThrottle(Settings());
            var nan = Pose(double.NaN);
            var zeroFov = Pose(0, 0, 0);
            var notUnit = Pose(0);
            notUnit.RotationW = 2;
            var empty = Pose(0);
            empty.ViewportHeight = 0;
            foreach (var bad in new[] { nan, zeroFov, notUnit, empty })
            {
                Check.True(bad.Problem() != null, "has a problem");
                var pose = bad;
                Check.Throws<ArgumentException>(() => Offer(throttle, pose, 0), pose.Problem());
            }
            Check.True(Pose(1, 30).Problem() == null, "a normal pose has none");
        }

        public static void After_a_reset_the_next_pose_goes_at_once_with_the_next_sequence()
        {
            var throttle = new ViewThrottle(Settings());
            Offer(throttle, Pose(0), 0.0);
            throttle.Reset();
            ViewToSend send;
            Check.True(throttle.Offer(Pose(0), 0.01, out send), "sent again on a new stream");
            Check.Equal(1L, send.Sequence, "sequences keep increasing");
        }
    }
}
