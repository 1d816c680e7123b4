using System;
using System.IO;
using System.Threading;
using Google.Protobuf;
using UnityEditor;
using UnityEngine;
using WorldStream.Transport;
using WorldStream.Unity;
using Api = WorldStream.V1;

namespace WorldStream.Editor
{
    /// <summary>
    /// Window > WorldStream: create a world from a photo on a server, list the server's worlds,
    /// and set up the open scene to explore one (a session object, the camera component) and
    /// enter Play mode.
    /// </summary>
    public sealed class WorldStreamWindow : EditorWindow
    {
        const string AddressKey = "WorldStream.ServerAddress";

        string address = "http://127.0.0.1:50051";
        string photoPath = "";
        string displayName = "";
        string worldId = "";
        float horizontalFov;
        string generator = "";
        string status = "";
        float progress = -1f;
        Api.World[] worlds = new Api.World[0];
        Vector2 scroll;
        CancellationTokenSource busy;

        [MenuItem("Window/WorldStream")]
        public static void Open()
        {
            GetWindow<WorldStreamWindow>("WorldStream");
        }

        void OnEnable()
        {
            address = EditorPrefs.GetString(AddressKey, address);
        }

        void OnDisable()
        {
            busy?.Cancel();
        }

        void OnGUI()
        {
            EditorGUI.BeginChangeCheck();
            address = EditorGUILayout.TextField("Server", address);
            if (EditorGUI.EndChangeCheck()) EditorPrefs.SetString(AddressKey, address);

            EditorGUILayout.Space();
            EditorGUILayout.LabelField("Create a world from a photo", EditorStyles.boldLabel);
            using (new EditorGUILayout.HorizontalScope())
            {
                photoPath = EditorGUILayout.TextField("Photo", photoPath);
                if (GUILayout.Button("…", GUILayout.Width(28)))
                {
                    string chosen = EditorUtility.OpenFilePanel("Photo", "", "jpg,jpeg,png,webp");
                    if (!string.IsNullOrEmpty(chosen)) photoPath = chosen;
                }
            }
            displayName = EditorGUILayout.TextField("Display name", displayName);
            worldId = EditorGUILayout.TextField(new GUIContent("World id", "[a-z][a-z0-9-]{2,62}; empty lets the server choose"), worldId);
            horizontalFov = EditorGUILayout.FloatField(new GUIContent("Horizontal FOV", "degrees; 0 = from EXIF, else 60"), horizontalFov);
            generator = EditorGUILayout.TextField(new GUIContent("Generator", "empty = the server's default"), generator);
            using (new EditorGUI.DisabledScope(busy != null || !File.Exists(photoPath)))
            {
                if (GUILayout.Button("Create world")) CreateWorld();
            }
            if (progress >= 0f)
            {
                var rect = GUILayoutUtility.GetRect(18, 18, "TextField");
                EditorGUI.ProgressBar(rect, progress, status);
            }
            else if (status.Length > 0)
            {
                EditorGUILayout.HelpBox(status, MessageType.Info);
            }

            EditorGUILayout.Space();
            using (new EditorGUILayout.HorizontalScope())
            {
                EditorGUILayout.LabelField("Worlds", EditorStyles.boldLabel);
                using (new EditorGUI.DisabledScope(busy != null))
                {
                    if (GUILayout.Button("Refresh", GUILayout.Width(80))) ListWorlds();
                }
            }
            scroll = EditorGUILayout.BeginScrollView(scroll);
            foreach (var world in worlds)
            {
                using (new EditorGUILayout.HorizontalScope())
                {
                    EditorGUILayout.LabelField(
                        (world.DisplayName.Length > 0 ? world.DisplayName : world.Name) + "  ·  " + world.State
                        + "  ·  " + world.SplatCount.ToString("N0") + " splats");
                    using (new EditorGUI.DisabledScope(world.State != Api.WorldState.Ready))
                    {
                        if (GUILayout.Button("Explore", GUILayout.Width(80))) Explore(world.Name);
                    }
                }
            }
            EditorGUILayout.EndScrollView();
        }

        async void CreateWorld()
        {
            busy = new CancellationTokenSource();
            progress = 0f;
            status = "uploading";
            try
            {
                var request = new Api.CreateWorldRequest
                {
                    WorldId = worldId,
                    DisplayName = displayName,
                    Photo = ByteString.CopyFrom(File.ReadAllBytes(photoPath)),
                    Options = new Api.CreateWorldOptions { HorizontalFovDegrees = horizontalFov, Generator = generator },
                };
                // Progress<T> posts to the context it was made on: the editor's main thread.
                var report = new Progress<Api.Progress>(p =>
                {
                    progress = (float)p.Fraction;
                    status = p.Stage + ": " + p.Message;
                    Repaint();
                });
                using (var connection = new WorldStreamConnection(address))
                {
                    var result = await connection.CreateWorldAsync(request, report, busy.Token);
                    progress = -1f;
                    status = result.IsOk
                        ? "created " + result.Value.Name + " (" + result.Value.SplatCount.ToString("N0") + " splats)"
                        : "CreateWorld failed: " + result.Error;
                }
            }
            catch (IOException e)
            {
                progress = -1f;
                status = "cannot read the photo: " + e.Message;
            }
            finally
            {
                busy = null;
                Repaint();
            }
            ListWorlds();
        }

        async void ListWorlds()
        {
            busy = new CancellationTokenSource();
            try
            {
                using (var connection = new WorldStreamConnection(address))
                {
                    var result = await connection.ListWorldsAsync(100, "", busy.Token);
                    if (result.IsOk)
                    {
                        worlds = new Api.World[result.Value.Worlds.Count];
                        result.Value.Worlds.CopyTo(worlds, 0);
                    }
                    else
                    {
                        status = "ListWorlds failed: " + result.Error;
                    }
                }
            }
            finally
            {
                busy = null;
                Repaint();
            }
        }

        /// <summary>A session object for the world and the streaming camera on the main camera, then Play.</summary>
        void Explore(string worldName)
        {
            var session = FindObjectOfType<WorldStreamSession>();
            if (session == null)
            {
                session = new GameObject("WorldStream Session").AddComponent<WorldStreamSession>();
                Undo.RegisterCreatedObjectUndo(session.gameObject, "Create WorldStream session");
            }
            Undo.RecordObject(session, "Configure WorldStream session");
            session.Configure(address, worldName);
            EditorUtility.SetDirty(session);
            var camera = Camera.main;
            if (camera == null)
            {
                camera = new GameObject("Main Camera") { tag = "MainCamera" }.AddComponent<Camera>();
                Undo.RegisterCreatedObjectUndo(camera.gameObject, "Create camera");
            }
            // Not `??`: in the Editor a missing component is a fake null that `??` lets through.
            var streaming = camera.GetComponent<WorldStreamCamera>();
            if (streaming == null) streaming = Undo.AddComponent<WorldStreamCamera>(camera.gameObject);
            streaming.Session = session;
            EditorUtility.SetDirty(streaming);
            EditorApplication.EnterPlaymode();
        }
    }
}
