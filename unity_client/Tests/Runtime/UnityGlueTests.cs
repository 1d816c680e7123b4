using System.Collections;
using NUnit.Framework;
using UnityEngine;
using UnityEngine.TestTools;
using WorldStream.Core;
using WorldStream.Rendering;
using WorldStream.Unity;

namespace WorldStream.Tests
{
    /// <summary>The Unity glue that needs the engine: camera poses, the session, the point preview.</summary>
    public sealed class UnityGlueTests
    {
        [Test]
        public void A_camera_pose_goes_out_in_unity_axes_and_quaternion_order()
        {
            var go = new GameObject("camera");
            try
            {
                var camera = go.AddComponent<Camera>();
                camera.fieldOfView = 50f;
                go.transform.SetPositionAndRotation(new Vector3(1f, 2f, -3f), Quaternion.Euler(0f, 90f, 0f));
                var pose = UnityPoses.FromCamera(camera, new Vector3(0f, 0f, 2f));
                var q = go.transform.rotation;
                Assert.AreEqual(new[] { 1.0, 2.0, -3.0 }, new[] { pose.PositionX, pose.PositionY, pose.PositionZ });
                Assert.AreEqual(new double[] { q.x, q.y, q.z, q.w },
                    new[] { pose.RotationX, pose.RotationY, pose.RotationZ, pose.RotationW });
                Assert.AreEqual(50.0, pose.VerticalFovDegrees, 1e-6);
                Assert.AreEqual(2.0, pose.VelocityZ);
                Assert.IsNull(pose.Problem());
            }
            finally
            {
                Object.DestroyImmediate(go);
            }
        }

        [UnityTest]
        public IEnumerator Enabling_a_session_again_reuses_the_renderer_it_added()
        {
            var go = new GameObject("session");
            go.SetActive(false);
            try
            {
                var session = go.AddComponent<WorldStreamSession>();
                // Nothing listens there: the stream fails and retries in the background.
                session.Configure("http://127.0.0.1:9", "worlds/nowhere");
                go.SetActive(true);
                yield return null;
                session.enabled = false;
                session.enabled = true;
                yield return null;
                Assert.AreEqual(1, go.GetComponents<ISplatRenderer>().Length, "one renderer across enables");
                Assert.IsNotNull(go.GetComponent<PooledSplatRenderer>(), "the pooled renderer is the default");
            }
            finally
            {
                Object.DestroyImmediate(go);
            }
        }

        [UnityTest]
        public IEnumerator The_point_preview_adds_fades_and_removes_tile_objects()
        {
            var go = new GameObject("preview");
            var preview = go.AddComponent<PointPreviewRenderer>();
            var tile = new DecodedTile(0, 2, 4.0, 0.0, -8.0, 3);
            ISplatRenderer renderer = preview;
            renderer.AddTile(1, tile, 0f);
            yield return null;
            Assert.AreEqual(1, go.transform.childCount);
            var child = go.transform.GetChild(0);
            Assert.AreEqual(new Vector3(4f, 0f, -8f), child.localPosition);
            Assert.AreEqual(3, child.GetComponent<MeshFilter>().sharedMesh.vertexCount);
            renderer.SetTileAlpha(1, 0.5f);
            renderer.RemoveTile(1);
            yield return null;
            Assert.AreEqual(0, go.transform.childCount);
            Object.Destroy(go);
        }
    }
}
