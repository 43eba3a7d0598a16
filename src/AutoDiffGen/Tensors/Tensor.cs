using System;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;

namespace AutoDiffGen.Tensors;

/// <summary>
/// A float32 vector (rank 1) or matrix (rank 2) over one contiguous, row-major array. [Differentiable] methods take and
/// return tensors; the adjoint of a tensor is a tensor of the same shape.
/// </summary>
/// <remarks>
/// A vector of length n reports <see cref="Rows"/> = 1 and <see cref="Columns"/> = n, so code written for matrices
/// reads vectors as one row. Every new tensor comes from <see cref="Zeros(int, int)"/> and its overloads, the one place
/// that allocates storage.
/// </remarks>
public sealed class Tensor
{
    private readonly float[] _data;

    // 1 after ClearLazily: the elements count as zero, but the memory is written only when the tensor is next used
    // (Elements), unless a kernel that overwrites every element takes the pending clear instead (TakePendingClear).
    // Writing the zeros and taking the clear lock _data, so threads that start using the tensor at once (each writing
    // its own part) clear it once, before any of them writes.
    private int _clearPending;

    private Tensor(int rank, int rows, int columns, float[] data)
    {
        Rank = rank;
        Rows = rows;
        Columns = columns;
        _data = data;
    }

    /// <summary>A zero vector of <paramref name="length"/> elements.</summary>
    public Tensor(int length)
        : this(1, 1, CheckSize(length, nameof(length)), new float[length])
    {
    }

    /// <summary>A zero matrix of <paramref name="rows"/> × <paramref name="columns"/>.</summary>
    public Tensor(int rows, int columns)
        : this(2, CheckSize(rows, nameof(rows)), CheckSize(columns, nameof(columns)), new float[checked(rows * columns)])
    {
    }

    /// <summary>1 for a vector, 2 for a matrix.</summary>
    public int Rank { get; }

    /// <summary>The number of rows; 1 for a vector.</summary>
    public int Rows { get; }

    /// <summary>The number of columns; the length for a vector.</summary>
    public int Columns { get; }

    /// <summary>The number of elements, <see cref="Rows"/> × <see cref="Columns"/>.</summary>
    public int Length => _data.Length;

    /// <summary>The shape as text, <c>[rows, columns]</c> or <c>[length]</c>, for messages.</summary>
    public string ShapeText => Rank == 1 ? $"[{Columns}]" : $"[{Rows}, {Columns}]";

    /// <summary>The element at <paramref name="index"/> in row-major order.</summary>
    public float this[int index]
    {
        get => Elements[index];
        set => Elements[index] = value;
    }

    /// <summary>The element at (<paramref name="row"/>, <paramref name="column"/>).</summary>
    public float this[int row, int column]
    {
        get => Elements[Offset(row, column)];
        set => Elements[Offset(row, column)] = value;
    }

    /// <summary>A zero vector.</summary>
    public static Tensor Zeros(int length) => new(length);

    /// <summary>A zero matrix.</summary>
    public static Tensor Zeros(int rows, int columns) => new(rows, columns);

    /// <summary>A zero tensor with the rank and shape of <paramref name="like"/>.</summary>
    public static Tensor ZerosLike(Tensor like)
    {
        ArgumentNullException.ThrowIfNull(like);
        return like.Rank == 1 ? new Tensor(like.Columns) : new Tensor(like.Rows, like.Columns);
    }

    /// <summary>A vector holding a copy of <paramref name="values"/>.</summary>
    public static Tensor FromArray(ReadOnlySpan<float> values)
    {
        var tensor = new Tensor(values.Length);
        values.CopyTo(tensor._data);
        return tensor;
    }

    /// <summary>A matrix holding a copy of <paramref name="values"/> (row-major); throws if the count is not rows × columns.</summary>
    public static Tensor FromArray(int rows, int columns, ReadOnlySpan<float> values)
    {
        var tensor = new Tensor(rows, columns);
        if (values.Length != tensor.Length)
        {
            throw new ArgumentException($"A [{rows}, {columns}] tensor needs {tensor.Length} values, but {values.Length} were given.", nameof(values));
        }
        values.CopyTo(tensor._data);
        return tensor;
    }

    /// <summary>The elements in row-major order.</summary>
    public Span<float> AsSpan() => Elements;

    /// <summary>The elements of one row.</summary>
    public Span<float> Row(int row)
    {
        if ((uint)row >= (uint)Rows)
        {
            throw new ArgumentOutOfRangeException(nameof(row), row, $"Row {row} is outside a tensor of shape {ShapeText}.");
        }
        return Elements.AsSpan(row * Columns, Columns);
    }

    /// <summary>Sets every element to zero.</summary>
    public void Clear()
    {
        Array.Clear(_data);
        Volatile.Write(ref _clearPending, 0);
    }

    /// <summary>
    /// Makes every element zero as <see cref="Clear"/> does, but writes the memory only when the tensor is next used, so
    /// that a product that adds into it (<see cref="Gemm"/> with <c>accumulate: true</c>) writes it once instead of after
    /// a clear. Used for adjoints, which start at zero and are then added into, and for the zero tensors generated code
    /// reuses. A span taken before this call does not see the zeros until the tensor is used again; take spans after it.
    /// </summary>
    internal void ClearLazily() => Volatile.Write(ref _clearPending, 1);

    /// <summary>
    /// Drops a pending <see cref="ClearLazily"/>, for a caller about to overwrite every element; returns whether one was
    /// pending (the elements then count as zero, and the caller must write them all).
    /// </summary>
    internal bool TakePendingClear()
    {
        if (Volatile.Read(ref _clearPending) == 0)
        {
            return false;
        }
        lock (_data)
        {
            bool pending = _clearPending != 0;
            _clearPending = 0;
            return pending;
        }
    }

    /// <summary>The elements, cleared first if a lazy clear is pending. Every read or write of the elements goes through here.</summary>
    private float[] Elements
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if (Volatile.Read(ref _clearPending) != 0)
            {
                WritePendingZeros();
            }
            return _data;
        }
    }

    private void WritePendingZeros()
    {
        lock (_data)
        {
            if (_clearPending != 0)
            {
                Array.Clear(_data);
                Volatile.Write(ref _clearPending, 0);
            }
        }
    }

    /// <summary>Copies this tensor's elements into <paramref name="destination"/>, which must have the same shape.</summary>
    public void CopyTo(Tensor destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        TensorShapes.RequireSameShape(this, destination, nameof(destination));
        ReadOnlySpan<float> source = Elements;
        destination.TakePendingClear(); // every element is overwritten below
        source.CopyTo(destination._data);
    }

    /// <summary>A new tensor with the same shape and elements.</summary>
    public Tensor Clone()
    {
        Tensor copy = ZerosLike(this);
        CopyTo(copy);
        return copy;
    }

    /// <summary>Whether <paramref name="other"/> has the same rank, rows and columns.</summary>
    public bool HasShapeOf(Tensor other) => other is not null && Rank == other.Rank && Rows == other.Rows && Columns == other.Columns;

    /// <inheritdoc/>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("Tensor ").Append(ShapeText);
        for (int r = 0; r < Rows; r++)
        {
            text.AppendLine().Append(r == 0 ? "[[" : " [");
            for (int c = 0; c < Columns; c++)
            {
                text.Append(c == 0 ? string.Empty : ", ").Append(this[r, c].ToString("0.####", CultureInfo.InvariantCulture));
            }
            text.Append(r == Rows - 1 ? "]]" : "]");
        }
        return text.ToString();
    }

    private int Offset(int row, int column)
    {
        if ((uint)row >= (uint)Rows || (uint)column >= (uint)Columns)
        {
            throw new IndexOutOfRangeException($"Element ({row}, {column}) is outside a tensor of shape {ShapeText}.");
        }
        return row * Columns + column;
    }

    private static int CheckSize(int size, string name) =>
        size >= 0 ? size : throw new ArgumentOutOfRangeException(name, size, "A tensor dimension cannot be negative.");
}
