using System;

namespace AutoDiffGen.Tensors;

// TEMPORARY: replaced by the kernels branch (GEMM); naive product so the generator work can be tested.
public static partial class TensorOps
{
    /// <summary>temp</summary>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        var c = Tensor.Zeros(a.Rows, b.Columns);
        for (int i = 0; i < a.Rows; i++)
            for (int k = 0; k < a.Columns; k++)
                for (int j = 0; j < b.Columns; j++)
                    c[i, j] += a[i, k] * b[k, j];
        return c;
    }

    /// <summary>temp</summary>
    [DerivativeOf(typeof(TensorOps), nameof(MatMul))]
    public static void MatMulPullback(Tensor a, Tensor b, Tensor seed, Tensor? dA, Tensor? dB)
    {
        for (int i = 0; i < a.Rows; i++)
            for (int k = 0; k < a.Columns; k++)
                for (int j = 0; j < b.Columns; j++)
                {
                    if (dA is not null) dA[i, k] += seed[i, j] * b[k, j];
                    if (dB is not null) dB[k, j] += a[i, k] * seed[i, j];
                }
    }
}
