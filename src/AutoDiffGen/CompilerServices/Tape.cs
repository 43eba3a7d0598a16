using System;
using System.Buffers;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace AutoDiffGen.CompilerServices;

/// <summary>
/// A last-in first-out store for the values that a generated forward sweep overwrites and its reverse sweep
/// needs back (loop counts, branch decisions, overwritten locals). Storage comes from <see cref="ArrayPool{T}"/>
/// and grows by doubling, so a steady-state gradient call allocates nothing.
/// </summary>
/// <remarks>Used by generated code only; a mutable struct, so keep it in a local and never copy it.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct Tape<T> : IDisposable
{
    private T[]? _items;
    private int _count;

    /// <summary>The number of values stored.</summary>
    public readonly int Count => _count;

    /// <summary>Stores <paramref name="value"/> on top.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(T value)
    {
        T[]? items = _items;
        if (items is null || _count == items.Length)
        {
            items = Grow();
        }
        items[_count++] = value;
    }

    /// <summary>Removes and returns the value on top.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Pop()
    {
        if (_count == 0)
        {
            ThrowEmpty();
        }
        return _items![--_count];
    }

    /// <summary>Returns the storage to the pool.</summary>
    public void Dispose()
    {
        if (_items is not null)
        {
            ArrayPool<T>.Shared.Return(_items, clearArray: RuntimeHelpers.IsReferenceOrContainsReferences<T>());
            _items = null;
        }
        _count = 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private T[] Grow()
    {
        T[] larger = ArrayPool<T>.Shared.Rent(_items is null ? 64 : _items.Length * 2);
        if (_items is not null)
        {
            Array.Copy(_items, larger, _count);
            ArrayPool<T>.Shared.Return(_items, clearArray: RuntimeHelpers.IsReferenceOrContainsReferences<T>());
        }
        _items = larger;
        return larger;
    }

    private static void ThrowEmpty() =>
        throw new InvalidOperationException("The generated reverse sweep read more values than its forward sweep stored; please report this as an AutoDiffGen bug.");
}
