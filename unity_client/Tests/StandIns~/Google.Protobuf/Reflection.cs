// Signatures from protocolbuffers/protobuf at tag v21.12, csharp/src/Google.Protobuf/Reflection/:
// FileDescriptor.cs, MessageDescriptor.cs, ServiceDescriptor.cs, DescriptorBase.cs, IDescriptor.cs,
// GeneratedClrTypeInfo.cs, OriginalNameAttribute.cs. Compile only: every member throws.
using System;
using System.Collections.Generic;

namespace Google.Protobuf.Reflection
{
    public interface IDescriptor
    {
        string Name { get; }
        string FullName { get; }
        FileDescriptor File { get; }
    }

    public abstract class DescriptorBase : IDescriptor
    {
        internal DescriptorBase() => throw StandIn.Absent;
        public int Index => throw StandIn.Absent;
        public abstract string Name { get; }
        public string FullName => throw StandIn.Absent;
        public FileDescriptor File => throw StandIn.Absent;
    }

    public sealed class FileDescriptor : IDescriptor
    {
        internal FileDescriptor() => throw StandIn.Absent;
        public string Name => throw StandIn.Absent;
        public string Package => throw StandIn.Absent;
        public IList<MessageDescriptor> MessageTypes => throw StandIn.Absent;
        public IList<ServiceDescriptor> Services => throw StandIn.Absent;
        public IList<FileDescriptor> Dependencies => throw StandIn.Absent;
        public ByteString SerializedData => throw StandIn.Absent;
        string IDescriptor.FullName => throw StandIn.Absent;
        FileDescriptor IDescriptor.File => throw StandIn.Absent;
        public static FileDescriptor FromGeneratedCode(byte[] descriptorData, FileDescriptor[] dependencies, GeneratedClrTypeInfo generatedCodeInfo) => throw StandIn.Absent;
        public override string ToString() => throw StandIn.Absent;
    }

    public sealed class MessageDescriptor : DescriptorBase
    {
        internal MessageDescriptor() => throw StandIn.Absent;
        public override string Name => throw StandIn.Absent;
        public Type ClrType => throw StandIn.Absent;
        public MessageParser Parser => throw StandIn.Absent;
        public MessageDescriptor ContainingType => throw StandIn.Absent;
        public IList<MessageDescriptor> NestedTypes => throw StandIn.Absent;
    }

    public sealed class ServiceDescriptor : DescriptorBase
    {
        internal ServiceDescriptor() => throw StandIn.Absent;
        public override string Name => throw StandIn.Absent;
    }

    public sealed class GeneratedClrTypeInfo
    {
        public Type ClrType => throw StandIn.Absent;
        public MessageParser Parser => throw StandIn.Absent;
        public string[] PropertyNames => throw StandIn.Absent;
        public Extension[] Extensions => throw StandIn.Absent;
        public string[] OneofNames => throw StandIn.Absent;
        public GeneratedClrTypeInfo[] NestedTypes => throw StandIn.Absent;
        public Type[] NestedEnums => throw StandIn.Absent;
        public GeneratedClrTypeInfo(Type clrType, MessageParser parser, string[] propertyNames, string[] oneofNames, Type[] nestedEnums, Extension[] extensions, GeneratedClrTypeInfo[] nestedTypes) => throw StandIn.Absent;
        public GeneratedClrTypeInfo(Type clrType, MessageParser parser, string[] propertyNames, string[] oneofNames, Type[] nestedEnums, GeneratedClrTypeInfo[] nestedTypes) => throw StandIn.Absent;
        public GeneratedClrTypeInfo(Type[] nestedEnums, Extension[] extensions, GeneratedClrTypeInfo[] nestedTypes) => throw StandIn.Absent;
        public GeneratedClrTypeInfo(Type[] nestedEnums, GeneratedClrTypeInfo[] nestedTypes) => throw StandIn.Absent;
    }

    [AttributeUsage(AttributeTargets.Field)]
    public class OriginalNameAttribute : Attribute
    {
        public string Name { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public bool PreferredAlias { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public OriginalNameAttribute(string name) => throw StandIn.Absent;
    }
}
