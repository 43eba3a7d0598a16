using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace AutoDiffGen.Data;

/// <summary>The contents of an unsigned-byte IDX file: its dimension sizes and its data in row-major order.</summary>
public sealed class IdxArray
{
    internal IdxArray(int[] dimensions, byte[] data)
    {
        Dimensions = Array.AsReadOnly(dimensions);
        Data = data;
    }

    /// <summary>The size of each dimension, outermost first (for MNIST images: count, rows, columns).</summary>
    public ReadOnlyCollection<int> Dimensions { get; }

    /// <summary>The number of dimensions.</summary>
    public int Rank => Dimensions.Count;

    /// <summary>
    /// The elements in row-major order; its length is the product of <see cref="Dimensions"/>. The array is handed
    /// out rather than copied because image sets run to tens of megabytes.
    /// </summary>
    public byte[] Data { get; }
}
