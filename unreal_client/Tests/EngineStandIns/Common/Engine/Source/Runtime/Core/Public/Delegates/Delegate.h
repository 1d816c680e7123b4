// Stand-in for Runtime/Core/Public/Delegates/Delegate.h and DelegateCombinations.h:
// FDelegateHandle (IsValid) and DECLARE_MULTICAST_DELEGATE_OneParam, whose FDelegate offers
// CreateLambda, the binding the plugin uses.
#pragma once

#include <functional>

class FDelegateHandle
{
public:
	bool IsValid() const { return Id != 0; }
	void Reset() { Id = 0; }

private:
	uint64 Id = 0;
};

template <typename... ParamTypes>
class TDelegate
{
public:
	template <typename FunctorType>
	static TDelegate CreateLambda(FunctorType&& InFunctor)
	{
		TDelegate Delegate;
		Delegate.Function = static_cast<FunctorType&&>(InFunctor);
		return Delegate;
	}

private:
	std::function<void(ParamTypes...)> Function;
};

template <typename... ParamTypes>
class TMulticastDelegate
{
public:
	using FDelegate = TDelegate<ParamTypes...>;
	FDelegateHandle Add(const FDelegate& InNewDelegate);
	bool Remove(FDelegateHandle Handle);
	void Broadcast(ParamTypes... Params) const;
};

#define DECLARE_MULTICAST_DELEGATE_OneParam(DelegateName, Param1Type) \
	typedef TMulticastDelegate<Param1Type> DelegateName;

// Dynamic (UObject, Blueprint-assignable) multicast delegates, as Delegate.h, DelegateCombinations.h
// and UObject/ScriptDelegates.h declare them: the DECLARE_ macro pastes the generated header's
// CURRENT_FILE_ID_<line>_DELEGATE (which declares DelegateName_DelegateWrapper) before a class
// whose Broadcast(params) calls that wrapper with *this as an FMulticastScriptDelegate.
struct FWeakObjectPtr;

template <typename TWeakPtr = FWeakObjectPtr>
class TMulticastScriptDelegate
{
public:
	template <class UObjectTemplate>
	void ProcessMulticastDelegate(void* Parameters) const;
};

typedef TMulticastScriptDelegate<> FMulticastScriptDelegate;

template <typename TWeakPtr, typename RetValType, typename... ParamTypes>
class TBaseDynamicMulticastDelegate : public TMulticastScriptDelegate<TWeakPtr>
{
public:
	TBaseDynamicMulticastDelegate() {}
	explicit TBaseDynamicMulticastDelegate(const TMulticastScriptDelegate<TWeakPtr>& InMulticastScriptDelegate)
		: TMulticastScriptDelegate<TWeakPtr>(InMulticastScriptDelegate) {}
};

#define FUNC_CONCAT(...) __VA_ARGS__

#define FUNC_DECLARE_DYNAMIC_MULTICAST_DELEGATE(TWeakPtr, DynamicMulticastDelegateClassName, ExecFunction, FuncParamList, FuncParamPassThru, ...) \
	class DynamicMulticastDelegateClassName : public TBaseDynamicMulticastDelegate<TWeakPtr, __VA_ARGS__> \
	{ \
	public: \
		DynamicMulticastDelegateClassName() {} \
		explicit DynamicMulticastDelegateClassName(const TMulticastScriptDelegate<>& InMulticastScriptDelegate) \
			: TBaseDynamicMulticastDelegate<TWeakPtr, __VA_ARGS__>(InMulticastScriptDelegate) {} \
		void Broadcast(FuncParamList) const { ExecFunction(FuncParamPassThru); } \
	};

// The DECLARE_DYNAMIC_MULTICAST_DELEGATE_* bodies below were not read in an engine source copy here
// (only the BODY_MACRO_COMBINE prefix, through the header tool's sources that write it): check them
// against an engine tree.
#define DECLARE_DYNAMIC_MULTICAST_DELEGATE_OneParam(DelegateName, Param1Type, Param1Name) \
	BODY_MACRO_COMBINE(CURRENT_FILE_ID, _, __LINE__, _DELEGATE) \
	FUNC_DECLARE_DYNAMIC_MULTICAST_DELEGATE(FWeakObjectPtr, DelegateName, DelegateName##_DelegateWrapper, \
		FUNC_CONCAT(Param1Type InParam1), FUNC_CONCAT(*this, InParam1), void, Param1Type)
#define DECLARE_DYNAMIC_MULTICAST_DELEGATE_TwoParams(DelegateName, Param1Type, Param1Name, Param2Type, Param2Name) \
	BODY_MACRO_COMBINE(CURRENT_FILE_ID, _, __LINE__, _DELEGATE) \
	FUNC_DECLARE_DYNAMIC_MULTICAST_DELEGATE(FWeakObjectPtr, DelegateName, DelegateName##_DelegateWrapper, \
		FUNC_CONCAT(Param1Type InParam1, Param2Type InParam2), FUNC_CONCAT(*this, InParam1, InParam2), void, Param1Type, Param2Type)
#define DECLARE_DYNAMIC_MULTICAST_DELEGATE_ThreeParams(DelegateName, Param1Type, Param1Name, Param2Type, Param2Name, Param3Type, Param3Name) \
	BODY_MACRO_COMBINE(CURRENT_FILE_ID, _, __LINE__, _DELEGATE) \
	FUNC_DECLARE_DYNAMIC_MULTICAST_DELEGATE(FWeakObjectPtr, DelegateName, DelegateName##_DelegateWrapper, \
		FUNC_CONCAT(Param1Type InParam1, Param2Type InParam2, Param3Type InParam3), \
		FUNC_CONCAT(*this, InParam1, InParam2, InParam3), void, Param1Type, Param2Type, Param3Type)
