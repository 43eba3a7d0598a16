using System;
using AutoDiffGen.Tensors;

namespace AutoDiffGen.NeuralNetworks;

/// <summary>Initial values for layer parameters, with Keras' defaults for a Dense layer.</summary>
/// <remarks>
/// Random initializers draw from the <see cref="Random"/> they are given, one value per element in row-major order.
/// Pass <c>new Random(seed)</c> to make a run reproducible: the same seed, shapes and order of calls give the same
/// values on every run. (.NET does not promise that a seeded <see cref="Random"/> yields the same sequence on every
/// version of .NET, though its seeded algorithm has not changed since .NET Framework.) The values differ from
/// Keras' for the same seed, since the generators differ; the distributions are the same.
/// </remarks>
public static class Initializers
{
    /// <summary>
    /// A <paramref name="fanIn"/> × <paramref name="fanOut"/> matrix drawn from U(-limit, limit) with
    /// limit = sqrt(6 / (fanIn + fanOut)): Glorot (Xavier) uniform, Keras' default for a Dense kernel.
    /// </summary>
    /// <param name="fanIn">The number of inputs, the kernel's rows; at least 1.</param>
    /// <param name="fanOut">The number of outputs, the kernel's columns; at least 1.</param>
    /// <param name="random">The source of randomness; seed it for reproducible values.</param>
    /// <returns>A new matrix whose elements lie in [-limit, limit).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fanIn"/> or <paramref name="fanOut"/> is less than 1.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="random"/> is null.</exception>
    public static Tensor GlorotUniform(int fanIn, int fanOut, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fanIn, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(fanOut, 1);
        ArgumentNullException.ThrowIfNull(random);

        double limit = Math.Sqrt(6.0 / ((double)fanIn + fanOut));
        Tensor kernel = Tensor.Zeros(fanIn, fanOut);
        Span<float> values = kernel.AsSpan();
        for (int i = 0; i < values.Length; i++)
        {
            // NextDouble is in [0, 1), so the value is in [-limit, limit); the float rounding of the largest can reach
            // (float)limit but never exceed it.
            values[i] = (float)(((2.0 * random.NextDouble()) - 1.0) * limit);
        }
        return kernel;
    }

    /// <summary>A zero vector of <paramref name="length"/> elements: Keras' default for a bias.</summary>
    /// <param name="length">The number of elements; at least 0.</param>
    /// <returns>A new zero vector.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
    public static Tensor Zeros(int length) => Tensor.Zeros(length);
}
