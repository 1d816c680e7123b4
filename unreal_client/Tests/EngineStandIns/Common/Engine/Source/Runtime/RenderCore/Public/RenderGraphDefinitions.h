// Stand-in for Runtime/RenderCore/Public/RenderGraphDefinitions.h and RenderGraphEvent.h:
// ERDGPassFlags, FRDGEventName with RDG_EVENT_NAME and RDG_EVENT_SCOPE, the RDG handle typedefs.
#pragma once

#include "RHI.h"

enum class ERDGPassFlags : uint16
{
	None = 0,
	Raster = 1 << 0,
	Compute = 1 << 1,
	AsyncCompute = 1 << 2,
	Copy = 1 << 3,
	NeverCull = 1 << 4,
};
ENUM_CLASS_FLAGS(ERDGPassFlags)

enum class ERDGBufferFlags : uint8 { None = 0 };
enum class ERDGTextureFlags : uint8 { None = 0 };
enum class ERDGUnorderedAccessViewFlags : uint8 { None = 0 };
enum class ERDGInitialDataFlags : uint8 { None = 0, NoCopy = 1 << 0 };

class FRDGEventName
{
public:
	FRDGEventName() = default;
	template <typename... Types>
	explicit FRDGEventName(const TCHAR* EventFormat, Types... Args) {}
};

struct FRDGEventScopeGuard
{
	template <typename... Types>
	FRDGEventScopeGuard(class FRDGBuilder& GraphBuilder, FRDGEventName&& ScopeName) {}
};

#define RDG_EVENT_NAME(Format, ...) FRDGEventName(TEXT(Format), ##__VA_ARGS__)
#define RDG_EVENT_SCOPE(GraphBuilder, Format, ...) FRDGEventScopeGuard PREPROCESSOR_JOIN(RDGEventScope_, __LINE__)((GraphBuilder), RDG_EVENT_NAME(Format, ##__VA_ARGS__))
#define PREPROCESSOR_JOIN_INNER(A, B) A##B
#define PREPROCESSOR_JOIN(A, B) PREPROCESSOR_JOIN_INNER(A, B)

class FRDGBuilder;
class FRDGPass;
class FRDGTexture;
class FRDGBuffer;
class FRDGBufferSRV;
class FRDGBufferUAV;
class FRDGUniformBuffer;
template <typename ParameterStructType> class TRDGUniformBuffer;

using FRDGPassRef = FRDGPass*;
using FRDGTextureRef = FRDGTexture*;
using FRDGBufferRef = FRDGBuffer*;
using FRDGBufferSRVRef = FRDGBufferSRV*;
using FRDGBufferUAVRef = FRDGBufferUAV*;
/** RenderGraphFwd.h: a uniform buffer of the graph is a pointer to TRDGUniformBuffer. */
template <typename ParameterStructType>
using TRDGUniformBufferRef = TRDGUniformBuffer<ParameterStructType>*;
