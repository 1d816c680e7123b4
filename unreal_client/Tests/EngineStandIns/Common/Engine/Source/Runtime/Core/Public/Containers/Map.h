// Stand-in for Runtime/Core/Public/Containers/Map.h: TMap with the members the plugin uses
// (Add, Find, FindChecked, Remove, RemoveAndCopyValue, Contains, Num, Reset; iteration yields
// pairs with Key and Value, as TTuple-based TPair does).
#pragma once

#include <vector>

#include "CoreTypes.h"

template <typename KeyType, typename ValueType>
struct TPair
{
	KeyType Key;
	ValueType Value;
};

template <typename KeyType, typename ValueType>
class TMap
{
public:
	ValueType& Add(const KeyType& Key, const ValueType& Value) { Pairs.push_back({Key, Value}); return Pairs.back().Value; }
	ValueType& Add(const KeyType& Key, ValueType&& Value) { Pairs.push_back({Key, static_cast<ValueType&&>(Value)}); return Pairs.back().Value; }
	ValueType* Find(const KeyType& Key) { for (auto& Pair : Pairs) if (Pair.Key == Key) return &Pair.Value; return nullptr; }
	const ValueType* Find(const KeyType& Key) const { for (auto& Pair : Pairs) if (Pair.Key == Key) return &Pair.Value; return nullptr; }
	ValueType& FindChecked(const KeyType& Key) { return *Find(Key); }
	const ValueType& FindChecked(const KeyType& Key) const { return *Find(Key); }
	int32 Remove(const KeyType& Key) { return 0; }
	bool RemoveAndCopyValue(const KeyType& Key, ValueType& OutRemovedValue) { return false; }
	bool Contains(const KeyType& Key) const { return Find(Key) != nullptr; }
	int32 Num() const { return int32(Pairs.size()); }
	void Reset() { Pairs.clear(); }
	auto begin() { return Pairs.begin(); }
	auto end() { return Pairs.end(); }
	auto begin() const { return Pairs.begin(); }
	auto end() const { return Pairs.end(); }

private:
	std::vector<TPair<KeyType, ValueType>> Pairs;
};
