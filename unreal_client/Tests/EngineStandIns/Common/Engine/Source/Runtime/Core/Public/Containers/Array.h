// Stand-in for Runtime/Core/Public/Containers/Array.h: the TArray members the plugin uses
// (Num, SetNum, SetNumUninitialized, GetData, Add, Push, Pop(bool bAllowShrinking), Reset,
// Contains, operator[], ranged for). Backed by std::vector so that it type-checks as a value.
#pragma once

#include <vector>

#include "CoreTypes.h"

template <typename T>
class TArray
{
public:
	TArray() = default;
	TArray(std::initializer_list<T> Init) : Items(Init) {}
	int32 Num() const { return int32(Items.size()); }
	void SetNum(int32 NewNum) { Items.resize(size_t(NewNum)); }
	void SetNumUninitialized(int32 NewNum) { Items.resize(size_t(NewNum)); }
	T* GetData() { return Items.data(); }
	const T* GetData() const { return Items.data(); }
	int32 Add(const T& Item) { Items.push_back(Item); return Num() - 1; }
	void Push(const T& Item) { Items.push_back(Item); }
	T Pop(bool bAllowShrinking = true) { T Last = Items.back(); Items.pop_back(); return Last; }
	void Reset(int32 NewSize = 0) { Items.clear(); }
	bool Contains(const T& Item) const { for (const T& Each : Items) if (Each == Item) return true; return false; }
	bool IsEmpty() const { return Items.empty(); }
	T& operator[](int32 Index) { return Items[size_t(Index)]; }
	const T& operator[](int32 Index) const { return Items[size_t(Index)]; }
	auto begin() { return Items.begin(); }
	auto end() { return Items.end(); }
	auto begin() const { return Items.begin(); }
	auto end() const { return Items.end(); }

private:
	std::vector<T> Items;
};
