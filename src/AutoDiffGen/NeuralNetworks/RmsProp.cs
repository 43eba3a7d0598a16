using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace AutoDiffGen.NeuralNetworks;

/// <summary>RMSprop without momentum and not centered, as Keras' <c>RMSprop</c> with its defaults.</summary>
/// <remarks>
/// For parameter w, gradient g, learning rate lr and the moving average of squared gradients v (zero before the first
/// step):
/// <code>
/// v = rho·v + (1 - rho)·g²
/// w = w - lr·g / sqrt(v + epsilon)
/// </code>
/// Epsilon is added inside the square root, as in Keras 3 (<c>keras/src/optimizers/rmsprop.py</c>, <c>update_step</c>:
/// <c>denominator = velocity + epsilon; increment = lr * gradient / sqrt(denominator)</c>) and in Keras 2.11 to 2.15
/// (<c>keras/optimizers/rmsprop.py</c>: <c>lr * gradient * rsqrt(velocity + epsilon)</c>). Only the legacy Keras 2
/// optimizer (<c>optimizer_v2/rmsprop.py</c>, the tf.keras default up to 2.10, now <c>keras.optimizers.legacy.RMSprop</c>)
/// put it outside, <c>lr·g / (sqrt(v) + epsilon)</c>. With the default epsilon of 1e-7 the two differ only while v is
/// near 1e-14 or below.
/// </remarks>
public sealed class RmsProp : Optimizer
{
    /// <summary>Creates the optimizer with Keras' defaults unless given.</summary>
    /// <param name="learningRate">The step size lr, finite and ≥ 0; Keras' default 0.001.</param>
    /// <param name="rho">The moving average's decay, in [0, 1); Keras' default 0.9.</param>
    /// <param name="epsilon">Added to v under the square root so a zero average cannot divide by zero; finite and &gt; 0; Keras' default 1e-7.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of its range or NaN.</exception>
    public RmsProp(float learningRate = 0.001f, float rho = 0.9f, float epsilon = 1e-7f)
        : base(learningRate)
    {
        Rho = RequireFraction(rho, nameof(rho), allowOne: false);
        Epsilon = RequirePositive(epsilon, nameof(epsilon));
    }

    /// <summary>The moving average's decay.</summary>
    public float Rho { get; }

    /// <summary>The constant added to the moving average under the square root.</summary>
    public float Epsilon { get; }

    private protected override int StateCount => 1;

    private protected override void Update(int index, Span<float> parameter, ReadOnlySpan<float> gradient)
    {
        // One pass over w, g and v (the update is memory-bound); the vector body and the scalar tail do the same
        // operations in the same order, so an element's result does not depend on its position.
        Span<float> average = State(index, 0);
        float lr = LearningRate;
        float rho = Rho;
        float oneMinusRho = 1f - rho;
        float epsilon = Epsilon;

        Span<Vector<float>> wv = MemoryMarshal.Cast<float, Vector<float>>(parameter);
        ReadOnlySpan<Vector<float>> gv = MemoryMarshal.Cast<float, Vector<float>>(gradient);
        Span<Vector<float>> av = MemoryMarshal.Cast<float, Vector<float>>(average);
        var lrV = new Vector<float>(lr);
        var rhoV = new Vector<float>(rho);
        var oneMinusRhoV = new Vector<float>(oneMinusRho);
        var epsilonV = new Vector<float>(epsilon);
        for (int k = 0; k < wv.Length; k++)
        {
            Vector<float> g = gv[k];
            Vector<float> v = (rhoV * av[k]) + (oneMinusRhoV * (g * g));
            av[k] = v;
            wv[k] -= (lrV * g) / Vector.SquareRoot(v + epsilonV);
        }
        for (int i = wv.Length * Vector<float>.Count; i < parameter.Length; i++)
        {
            float g = gradient[i];
            float v = (rho * average[i]) + (oneMinusRho * (g * g));
            average[i] = v;
            parameter[i] -= (lr * g) / MathF.Sqrt(v + epsilon);
        }
    }
}
