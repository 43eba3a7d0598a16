using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace AutoDiffGen.Generator.Differentiation;

/// <summary>Compares by identity: two equal records at different places in a body are different statements.</summary>
internal sealed class ReferenceComparer<T> : IEqualityComparer<T>
    where T : class
{
    public static readonly ReferenceComparer<T> Instance = new();

    public bool Equals(T? x, T? y) => ReferenceEquals(x, y);

    public int GetHashCode(T obj) => RuntimeHelpers.GetHashCode(obj);
}
