using System;
using System.Collections.Generic;
using System.Globalization;
using AutoDiffGen.Tensors;

namespace AutoDiffGen.Tests.Tensors;

/// <summary>
/// Checks float32 tensor derivatives against central differences. Each difference is taken on a scalar function of the
/// inputs (for a tensor-valued f, the inner product of f with a fixed random seed, which is what a pullback with that
/// seed computes), evaluated in double so that only the float rounding of f itself adds noise.
/// </summary>
public static class TensorFiniteDifferences
{
    /// <summary>A tensor filled with values uniform in [low, high), away from zero by at least <paramref name="margin"/>.</summary>
    public static Tensor Random(Random random, int rows, int columns, float low = -1f, float high = 1f, float margin = 0f)
    {
        Tensor tensor = rows == 0 ? Tensor.Zeros(columns) : Tensor.Zeros(rows, columns);
        for (int i = 0; i < tensor.Length; i++)
        {
            float value;
            do
            {
                value = low + (high - low) * random.NextSingle();
            }
            while (MathF.Abs(value) < margin);
            tensor[i] = value;
        }
        return tensor;
    }

    /// <summary>Σ a ⊙ b in double.</summary>
    public static double Dot(Tensor a, Tensor b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }
        return sum;
    }

    /// <summary>
    /// Asserts that <paramref name="analytic"/>[k] is ∂scalar/∂inputs[k] for every input with an analytic gradient
    /// (null entries are skipped), by central differences with step <paramref name="step"/>.
    /// </summary>
    public static void AssertGradients(Func<double> scalar, IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> analytic, float step = 1e-2f, double tolerance = 2e-2)
    {
        for (int k = 0; k < inputs.Count; k++)
        {
            if (analytic[k] is not { } gradient)
            {
                continue;
            }
            Tensor input = inputs[k];
            for (int i = 0; i < input.Length; i++)
            {
                float saved = input[i];
                input[i] = saved + step;
                double plus = scalar();
                input[i] = saved - step;
                double minus = scalar();
                input[i] = saved;
                double numeric = (plus - minus) / (2.0 * step);
                double error = Math.Abs(numeric - gradient[i]);
                Assert.True(error <= tolerance * (Math.Abs(numeric) + 0.05),
                    string.Create(CultureInfo.InvariantCulture, $"input {k} element {i}: generated {gradient[i]:R}, finite difference {numeric:R}"));
            }
        }
    }
}
