using UnityEngine;
using WorldStream.Unity;
using Api = WorldStream.V1;

namespace WorldStream.Samples
{
    /// <summary>
    /// Put on the camera next to WorldStreamCamera: fly with WASD/QE and the right mouse button,
    /// and read what the session holds in the corner. Uses the legacy Input Manager.
    /// </summary>
    public sealed class ExploreWorldSample : MonoBehaviour
    {
        [SerializeField] WorldStreamSession session;
        [SerializeField] float speed = 2f;
        [SerializeField] float lookDegreesPerPixel = 0.2f;

        Api.ViewStatus status;
        string lastProblem = "";
        Vector3 euler;

        void OnEnable()
        {
            if (session == null) session = FindObjectOfType<WorldStreamSession>();
            if (session == null) return;
            session.ViewStatusChanged += s => status = s;
            session.Warning += (reason, message) => lastProblem = reason + ": " + message;
            session.Disconnected += (error, retrying) => lastProblem = error + (retrying ? " (reconnecting)" : "");
            euler = transform.eulerAngles;
        }

        void Update()
        {
            float dt = Time.deltaTime;
            var move = new Vector3(
                (Input.GetKey(KeyCode.D) ? 1 : 0) - (Input.GetKey(KeyCode.A) ? 1 : 0),
                (Input.GetKey(KeyCode.E) ? 1 : 0) - (Input.GetKey(KeyCode.Q) ? 1 : 0),
                (Input.GetKey(KeyCode.W) ? 1 : 0) - (Input.GetKey(KeyCode.S) ? 1 : 0));
            float boost = Input.GetKey(KeyCode.LeftShift) ? 4f : 1f;
            transform.position += transform.rotation * move * (speed * boost * dt);
            if (Input.GetMouseButton(1))
            {
                euler.y += Input.GetAxis("Mouse X") * lookDegreesPerPixel * 10f;
                euler.x -= Input.GetAxis("Mouse Y") * lookDegreesPerPixel * 10f;
                transform.rotation = Quaternion.Euler(euler.x, euler.y, 0f);
            }
            else
            {
                euler = transform.eulerAngles;
            }
        }

        void OnGUI()
        {
            if (session == null) return;
            var residency = session.Residency;
            string text = session.World
                + "\ntiles " + residency.Count + ", splats " + residency.ResidentSplats.ToString("N0")
                + " / " + residency.SplatBudget.ToString("N0");
            if (status != null)
            {
                text += "\nview " + status.Sequence + (status.Complete ? " complete" : " loading: " + status.PendingTiles + " tiles")
                    + (status.PendingGeneration > 0 ? ", generating " + status.PendingGeneration : "");
            }
            if (lastProblem.Length > 0) text += "\n" + lastProblem;
            GUI.Label(new Rect(10, 10, 600, 90), text);
        }
    }
}
