using UnityEngine;
using WorldStream.Core;
using Api = WorldStream.V1;

namespace WorldStream.Unity
{
    /// <summary>
    /// Sends this camera's view to a <see cref="WorldStreamSession"/> through a
    /// <see cref="ViewThrottle"/>: at most every <see cref="minIntervalSeconds"/>, when it moved or
    /// turned enough, and always its resting pose. The server speaks Unity's frame, so the
    /// transform goes unconverted.
    /// </summary>
    [RequireComponent(typeof(Camera))]
    public sealed class WorldStreamCamera : MonoBehaviour
    {
        [SerializeField] WorldStreamSession session;
        [SerializeField] float minIntervalSeconds = 0.1f;
        [SerializeField] float minMoveMetres = 0.05f;
        [SerializeField] float minRotationDegrees = 1f;
        [SerializeField] float settleSeconds = 0.5f;
        [Tooltip("Move the camera to the world's spawn pose (where the photo was taken) when the stream connects.")]
        [SerializeField] bool moveToSpawn = true;

        Camera viewCamera;
        ViewThrottle throttle;
        Vector3 lastPosition;
        Vector3 velocity;
        bool placed;

        public WorldStreamSession Session
        {
            get { return session; }
            set
            {
                if (session != null) session.Connected -= OnConnected;
                session = value;
                if (session != null && isActiveAndEnabled) session.Connected += OnConnected;
            }
        }

        void OnEnable()
        {
            viewCamera = GetComponent<Camera>();
            throttle = new ViewThrottle(new ViewThrottleSettings
            {
                MinIntervalSeconds = minIntervalSeconds,
                MinMove = minMoveMetres,
                MinRotationDegrees = minRotationDegrees,
                SettleSeconds = settleSeconds,
            });
            if (session == null) session = FindObjectOfType<WorldStreamSession>();
            if (session != null) session.Connected += OnConnected;
            lastPosition = transform.position;
        }

        void OnDisable()
        {
            if (session != null) session.Connected -= OnConnected;
        }

        void LateUpdate()
        {
            if (session == null || !session.isActiveAndEnabled) return;
            float dt = Time.unscaledDeltaTime;
            if (dt > 0)
            {
                // Smoothed over about a quarter second: the server only uses it to prefetch.
                var step = (transform.position - lastPosition) / dt;
                velocity = Vector3.Lerp(velocity, step, Mathf.Clamp01(dt / 0.25f));
            }
            lastPosition = transform.position;
            var pose = UnityPoses.FromCamera(viewCamera, velocity);
            ViewToSend send;
            if (pose.Problem() == null && throttle.Offer(pose, Time.realtimeSinceStartupAsDouble, out send))
            {
                session.SendView(send);
            }
        }

        void OnConnected(Api.ExploreHeader header)
        {
            if (!moveToSpawn || placed || header.SpawnPosition == null || header.SpawnRotation == null) return;
            placed = true;
            var p = header.SpawnPosition;
            var q = header.SpawnRotation;
            // Already in Unity's frame and camera axes (ExploreHeader.spawn_*).
            transform.SetPositionAndRotation(
                new Vector3((float)p.X, (float)p.Y, (float)p.Z),
                new Quaternion((float)q.X, (float)q.Y, (float)q.Z, (float)q.W));
            if (header.World != null && header.World.SpawnVerticalFovDegrees > 0)
            {
                viewCamera.fieldOfView = (float)header.World.SpawnVerticalFovDegrees;
            }
            lastPosition = transform.position;
            velocity = Vector3.zero;
        }
    }
}
