// Signatures from Unity-Technologies/UnityCsReference at tag 2021.3.58f1:
// Runtime/Export/Math/Vector2.cs, Vector3.cs,
// Vector4.cs, Quaternion.cs, Matrix4x4.cs, Math.bindings.cs, Mathf.cs, Color.cs, Color32.cs;
// Runtime/Export/Geometry/Bounds.cs, Rect.cs.
using System;

namespace UnityEngine
{
    public struct Vector2 : IEquatable<Vector2>
    {
        public float x;
        public float y;
        public Vector2(float x, float y) { this.x = x; this.y = y; }
        public static Vector2 zero => throw StandIn.Absent;
        public bool Equals(Vector2 other) => throw StandIn.Absent;
    }

    public partial struct Vector3 : IEquatable<Vector3>
    {
        public float x;
        public float y;
        public float z;
        public Vector3(float x, float y, float z) { this.x = x; this.y = y; this.z = z; }
        public Vector3(float x, float y) { this.x = x; this.y = y; z = 0F; }
        public static Vector3 Lerp(Vector3 a, Vector3 b, float t) => throw StandIn.Absent;
        public float this[int index] { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public static Vector3 Scale(Vector3 a, Vector3 b) => throw StandIn.Absent;
        public static Vector3 Cross(Vector3 lhs, Vector3 rhs) => throw StandIn.Absent;
        public Vector3 normalized => throw StandIn.Absent;
        public static float Dot(Vector3 lhs, Vector3 rhs) => throw StandIn.Absent;
        public static float Distance(Vector3 a, Vector3 b) => throw StandIn.Absent;
        public float magnitude => throw StandIn.Absent;
        public float sqrMagnitude => throw StandIn.Absent;
        public static Vector3 Min(Vector3 lhs, Vector3 rhs) => throw StandIn.Absent;
        public static Vector3 Max(Vector3 lhs, Vector3 rhs) => throw StandIn.Absent;
        public static Vector3 zero => throw StandIn.Absent;
        public static Vector3 one => throw StandIn.Absent;
        public static Vector3 forward => throw StandIn.Absent;
        public static Vector3 up => throw StandIn.Absent;
        public static Vector3 right => throw StandIn.Absent;
        public static Vector3 operator +(Vector3 a, Vector3 b) => throw StandIn.Absent;
        public static Vector3 operator -(Vector3 a, Vector3 b) => throw StandIn.Absent;
        public static Vector3 operator -(Vector3 a) => throw StandIn.Absent;
        public static Vector3 operator *(Vector3 a, float d) => throw StandIn.Absent;
        public static Vector3 operator *(float d, Vector3 a) => throw StandIn.Absent;
        public static Vector3 operator /(Vector3 a, float d) => throw StandIn.Absent;
        public static bool operator ==(Vector3 lhs, Vector3 rhs) => throw StandIn.Absent;
        public static bool operator !=(Vector3 lhs, Vector3 rhs) => throw StandIn.Absent;
        public bool Equals(Vector3 other) => throw StandIn.Absent;
        public override bool Equals(object other) => throw StandIn.Absent;
        public override int GetHashCode() => throw StandIn.Absent;
    }

    public partial struct Vector4 : IEquatable<Vector4>
    {
        public float x;
        public float y;
        public float z;
        public float w;
        public Vector4(float x, float y, float z, float w) { this.x = x; this.y = y; this.z = z; this.w = w; }
        public Vector4(float x, float y, float z) { this.x = x; this.y = y; this.z = z; w = 0F; }
        public Vector4(float x, float y) { this.x = x; this.y = y; z = 0F; w = 0F; }
        public Vector4 normalized => throw StandIn.Absent;
        public static Vector4 zero => throw StandIn.Absent;
        public static Vector4 operator +(Vector4 a, Vector4 b) => throw StandIn.Absent;
        public static Vector4 operator -(Vector4 a, Vector4 b) => throw StandIn.Absent;
        public static Vector4 operator *(Vector4 a, float d) => throw StandIn.Absent;
        public static Vector4 operator *(float d, Vector4 a) => throw StandIn.Absent;
        public static Vector4 operator /(Vector4 a, float d) => throw StandIn.Absent;
        public static bool operator ==(Vector4 lhs, Vector4 rhs) => throw StandIn.Absent;
        public static bool operator !=(Vector4 lhs, Vector4 rhs) => throw StandIn.Absent;
        public static implicit operator Vector4(Vector3 v) => throw StandIn.Absent;
        public static implicit operator Vector3(Vector4 v) => throw StandIn.Absent;
        public static implicit operator Vector4(Vector2 v) => throw StandIn.Absent;
        public static implicit operator Vector2(Vector4 v) => throw StandIn.Absent;
        public bool Equals(Vector4 other) => throw StandIn.Absent;
        public override bool Equals(object other) => throw StandIn.Absent;
        public override int GetHashCode() => throw StandIn.Absent;
    }

    public partial struct Quaternion : IEquatable<Quaternion>
    {
        public float x;
        public float y;
        public float z;
        public float w;
        public Quaternion(float x, float y, float z, float w) { this.x = x; this.y = y; this.z = z; this.w = w; }
        public static Quaternion identity => throw StandIn.Absent;
        public static Quaternion operator *(Quaternion lhs, Quaternion rhs) => throw StandIn.Absent;
        public static Vector3 operator *(Quaternion rotation, Vector3 point) => throw StandIn.Absent;
        public Vector3 eulerAngles { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public static Quaternion Euler(float x, float y, float z) => throw StandIn.Absent;
        public static Quaternion Euler(Vector3 euler) => throw StandIn.Absent;
        public bool Equals(Quaternion other) => throw StandIn.Absent;
        public override bool Equals(object other) => throw StandIn.Absent;
        public override int GetHashCode() => throw StandIn.Absent;
    }

    public partial struct Matrix4x4 : IEquatable<Matrix4x4>
    {
        public float m00;
        public float m10;
        public float m20;
        public float m30;
        public float m01;
        public float m11;
        public float m21;
        public float m31;
        public float m02;
        public float m12;
        public float m22;
        public float m32;
        public float m03;
        public float m13;
        public float m23;
        public float m33;
        public Matrix4x4(Vector4 column0, Vector4 column1, Vector4 column2, Vector4 column3) => throw StandIn.Absent;
        public float this[int row, int column] { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public float this[int index] { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public static Matrix4x4 operator *(Matrix4x4 lhs, Matrix4x4 rhs) => throw StandIn.Absent;
        public static Vector4 operator *(Matrix4x4 lhs, Vector4 vector) => throw StandIn.Absent;
        public static bool operator ==(Matrix4x4 lhs, Matrix4x4 rhs) => throw StandIn.Absent;
        public static bool operator !=(Matrix4x4 lhs, Matrix4x4 rhs) => throw StandIn.Absent;
        public Vector4 GetColumn(int index) => throw StandIn.Absent;
        public Vector4 GetRow(int index) => throw StandIn.Absent;
        public Vector3 GetPosition() => throw StandIn.Absent;
        public void SetColumn(int index, Vector4 column) => throw StandIn.Absent;
        public void SetRow(int index, Vector4 row) => throw StandIn.Absent;
        public Vector3 MultiplyPoint(Vector3 point) => throw StandIn.Absent;
        public Vector3 MultiplyPoint3x4(Vector3 point) => throw StandIn.Absent;
        public Vector3 MultiplyVector(Vector3 vector) => throw StandIn.Absent;
        public static Matrix4x4 Scale(Vector3 vector) => throw StandIn.Absent;
        public static Matrix4x4 Translate(Vector3 vector) => throw StandIn.Absent;
        public static Matrix4x4 Rotate(Quaternion q) => throw StandIn.Absent;
        public static Matrix4x4 zero => throw StandIn.Absent;
        public static Matrix4x4 identity => throw StandIn.Absent;
        public Matrix4x4 inverse => throw StandIn.Absent;
        public Matrix4x4 transpose => throw StandIn.Absent;
        public static Matrix4x4 TRS(Vector3 pos, Quaternion q, Vector3 s) => throw StandIn.Absent;
        public static Matrix4x4 Inverse(Matrix4x4 m) => throw StandIn.Absent;
        public static Matrix4x4 Transpose(Matrix4x4 m) => throw StandIn.Absent;
        public bool Equals(Matrix4x4 other) => throw StandIn.Absent;
        public override bool Equals(object other) => throw StandIn.Absent;
        public override int GetHashCode() => throw StandIn.Absent;
    }

    public partial struct Mathf
    {
        public const float PI = (float)Math.PI;
        public const float Deg2Rad = PI * 2F / 360F;
        public const float Rad2Deg = 1F / Deg2Rad;
        public static float Sqrt(float f) => throw StandIn.Absent;
        public static float Abs(float f) => throw StandIn.Absent;
        public static float Min(float a, float b) => throw StandIn.Absent;
        public static int Min(int a, int b) => throw StandIn.Absent;
        public static float Max(float a, float b) => throw StandIn.Absent;
        public static int Max(int a, int b) => throw StandIn.Absent;
        public static float Exp(float power) => throw StandIn.Absent;
        public static int CeilToInt(float f) => throw StandIn.Absent;
        public static float Clamp(float value, float min, float max) => throw StandIn.Absent;
        public static int Clamp(int value, int min, int max) => throw StandIn.Absent;
        public static float Clamp01(float value) => throw StandIn.Absent;
        public static int NextPowerOfTwo(int value) => throw StandIn.Absent;
    }

    public partial struct Bounds : IEquatable<Bounds>
    {
        public Bounds(Vector3 center, Vector3 size) => throw StandIn.Absent;
        public Vector3 center { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public Vector3 size { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public Vector3 extents { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public Vector3 min { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public Vector3 max { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public void Encapsulate(Vector3 point) => throw StandIn.Absent;
        public void Encapsulate(Bounds bounds) => throw StandIn.Absent;
        public bool Equals(Bounds other) => throw StandIn.Absent;
    }

    public partial struct Rect : IEquatable<Rect>
    {
        public Rect(float x, float y, float width, float height) => throw StandIn.Absent;
        public bool Equals(Rect other) => throw StandIn.Absent;
    }

    public struct Color : IEquatable<Color>
    {
        public float r;
        public float g;
        public float b;
        public float a;
        public Color(float r, float g, float b, float a) { this.r = r; this.g = g; this.b = b; this.a = a; }
        public Color(float r, float g, float b) { this.r = r; this.g = g; this.b = b; a = 1F; }
        public static Color white => throw StandIn.Absent;
        public static Color black => throw StandIn.Absent;
        public static Color clear => throw StandIn.Absent;
        public Color linear => throw StandIn.Absent;
        public Color gamma => throw StandIn.Absent;
        public static implicit operator Vector4(Color c) => throw StandIn.Absent;
        public static implicit operator Color(Vector4 v) => throw StandIn.Absent;
        public bool Equals(Color other) => throw StandIn.Absent;
    }

    public partial struct Color32
    {
        public byte r;
        public byte g;
        public byte b;
        public byte a;
        public Color32(byte r, byte g, byte b, byte a) { this.r = r; this.g = g; this.b = b; this.a = a; }
        public static implicit operator Color32(Color c) => throw StandIn.Absent;
        public static implicit operator Color(Color32 c) => throw StandIn.Absent;
    }
}
