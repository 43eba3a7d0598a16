using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace AutoDiffGen.NeuralNetworks;

/// <summary>Adam (Kingma and Ba, 2014) without AMSGrad, as Keras' <c>Adam</c> with its defaults.</summary>
/// <remarks>
/// For parameter w, gradient g, learning rate lr, step number t (1 on the first step) and the moving averages m and v
/// (zero before the first step), as in Keras 3 (<c>keras/src/optimizers/adam.py</c>, <c>update_step</c>):
/// <code>
/// lr_t = lr·sqrt(1 - beta2^t) / (1 - beta1^t)
/// m = m + (g - m)·(1 - beta1)          (= beta1·m + (1 - beta1)·g)
/// v = v + (g² - v)·(1 - beta2)         (= beta2·v + (1 - beta2)·g²)
/// w = w - lr_t·m / (sqrt(v) + epsilon)
/// </code>
/// Epsilon is added outside the square root (Keras' "epsilon hat"), unlike in <see cref="RmsProp"/>. The bias
/// correction lr_t is computed once per step, in double precision.
/// </remarks>
public sealed class Adam : Optimizer
{
    private float _stepSize;

    /// <summary>Creates the optimizer with Keras' defaults unless given.</summary>
    /// <param name="learningRate">The step size lr, finite and ≥ 0; Keras' default 0.001.</param>
    /// <param name="beta1">The decay of the gradients' moving average m, in [0, 1); Keras' default 0.9.</param>
    /// <param name="beta2">The decay of the squared gradients' moving average v, in [0, 1); Keras' default 0.999.</param>
    /// <param name="epsilon">Added to sqrt(v) so a zero average cannot divide by zero; finite and &gt; 0; Keras' default 1e-7.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of its range or NaN.</exception>
    public Adam(float learningRate = 0.001f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-7f)
        : base(learningRate)
    {
        Beta1 = RequireFraction(beta1, nameof(beta1), allowOne: false);
        Beta2 = RequireFraction(beta2, nameof(beta2), allowOne: false);
        Epsilon = RequirePositive(epsilon, nameof(epsilon));
    }

    /// <summary>The decay of the gradients' moving average.</summary>
    public float Beta1 { get; }

    /// <summary>The decay of the squared gradients' moving average.</summary>
    public float Beta2 { get; }

    /// <summary>The constant added to sqrt(v).</summary>
    public float Epsilon { get; }

    private protected override int StateCount => 2;

    private protected override void BeginStep(long step)
    {
        double t = step;
        _stepSize = (float)(LearningRate * Math.Sqrt(1.0 - Math.Pow(Beta2, t)) / (1.0 - Math.Pow(Beta1, t)));
    }

    private protected override void Update(int index, Span<float> parameter, ReadOnlySpan<float> gradient)
    {
        // One pass over w, g, m and v (the update is memory-bound); the vector body and the scalar tail do the same
        // operations in the same order, so an element's result does not depend on its position.
        Span<float> mean = State(index, 0);
        Span<float> variance = State(index, 1);
        float stepSize = _stepSize;
        float oneMinusBeta1 = 1f - Beta1;
        float oneMinusBeta2 = 1f - Beta2;
        float epsilon = Epsilon;

        Span<Vector<float>> wv = MemoryMarshal.Cast<float, Vector<float>>(parameter);
        ReadOnlySpan<Vector<float>> gv = MemoryMarshal.Cast<float, Vector<float>>(gradient);
        Span<Vector<float>> mv = MemoryMarshal.Cast<float, Vector<float>>(mean);
        Span<Vector<float>> vv = MemoryMarshal.Cast<float, Vector<float>>(variance);
        var stepSizeV = new Vector<float>(stepSize);
        var oneMinusBeta1V = new Vector<float>(oneMinusBeta1);
        var oneMinusBeta2V = new Vector<float>(oneMinusBeta2);
        var epsilonV = new Vector<float>(epsilon);
        for (int k = 0; k < wv.Length; k++)
        {
            Vector<float> g = gv[k];
            Vector<float> m = mv[k];
            Vector<float> v = vv[k];
            m += (g - m) * oneMinusBeta1V;
            v += ((g * g) - v) * oneMinusBeta2V;
            mv[k] = m;
            vv[k] = v;
            wv[k] -= (m * stepSizeV) / (Vector.SquareRoot(v) + epsilonV);
        }
        for (int i = wv.Length * Vector<float>.Count; i < parameter.Length; i++)
        {
            float g = gradient[i];
            float m = mean[i];
            float v = variance[i];
            m += (g - m) * oneMinusBeta1;
            v += ((g * g) - v) * oneMinusBeta2;
            mean[i] = m;
            variance[i] = v;
            parameter[i] -= (m * stepSize) / (MathF.Sqrt(v) + epsilon);
        }
    }
}
