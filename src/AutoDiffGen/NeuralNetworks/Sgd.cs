using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace AutoDiffGen.NeuralNetworks;

/// <summary>Stochastic gradient descent, optionally with momentum or Nesterov momentum, as Keras' <c>SGD</c>.</summary>
/// <remarks>
/// The update rules are those of <c>keras/src/optimizers/sgd.py</c> (Keras 3), for parameter w, gradient g, learning
/// rate lr and velocity v (zero before the first step):
/// <code>
/// momentum == 0:  w = w - lr·g
/// momentum &gt; 0:   v = momentum·v - lr·g;  w = w + v
/// nesterov:       v = momentum·v - lr·g;  w = w + momentum·v - lr·g
/// </code>
/// </remarks>
public sealed class Sgd : Optimizer
{
    /// <summary>Creates the optimizer with Keras' defaults unless given.</summary>
    /// <param name="learningRate">The step size lr, finite and ≥ 0; Keras' default 0.01.</param>
    /// <param name="momentum">The velocity's decay, in [0, 1] as Keras requires; 0 (the default) is plain gradient descent.</param>
    /// <param name="nesterov">Whether to use Nesterov momentum; it has no effect when <paramref name="momentum"/> is 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of its range or NaN.</exception>
    public Sgd(float learningRate = 0.01f, float momentum = 0f, bool nesterov = false)
        : base(learningRate)
    {
        Momentum = RequireFraction(momentum, nameof(momentum), allowOne: true);
        Nesterov = nesterov;
    }

    /// <summary>The velocity's decay; 0 for plain gradient descent.</summary>
    public float Momentum { get; }

    /// <summary>Whether the update uses Nesterov momentum.</summary>
    public bool Nesterov { get; }

    private protected override int StateCount => Momentum == 0f ? 0 : 1;

    private protected override void Update(int index, Span<float> parameter, ReadOnlySpan<float> gradient)
    {
        // One pass over w, g (and v): each is read once and written at most once, which matters more than the
        // arithmetic for a memory-bound update. The vector body and the scalar tail do the same operations in the same
        // order, so an element's result does not depend on its position.
        float lr = LearningRate;
        Span<Vector<float>> wv = MemoryMarshal.Cast<float, Vector<float>>(parameter);
        ReadOnlySpan<Vector<float>> gv = MemoryMarshal.Cast<float, Vector<float>>(gradient);
        var lrV = new Vector<float>(lr);
        if (Momentum == 0f)
        {
            // Not TensorPrimitives.MultiplyAdd(g, -lr, w, w): on the MNIST model's 401,408-weight kernel it measured 2-3
            // times slower than this loop, because above 256 KB of output (its NonTemporalByteThreshold) it writes with
            // non-temporal stores, which send the weights to memory and out of the cache the next pass reads them from.
            for (int k = 0; k < wv.Length; k++)
            {
                wv[k] -= lrV * gv[k];
            }
            for (int i = wv.Length * Vector<float>.Count; i < parameter.Length; i++)
            {
                parameter[i] -= lr * gradient[i];
            }
            return;
        }

        Span<float> velocity = State(index, 0);
        float momentum = Momentum;
        Span<Vector<float>> vv = MemoryMarshal.Cast<float, Vector<float>>(velocity);
        var momentumV = new Vector<float>(momentum);
        if (Nesterov)
        {
            for (int k = 0; k < wv.Length; k++)
            {
                Vector<float> lrG = lrV * gv[k];
                Vector<float> v = (momentumV * vv[k]) - lrG;
                vv[k] = v;
                wv[k] += (momentumV * v) - lrG;
            }
            for (int i = wv.Length * Vector<float>.Count; i < parameter.Length; i++)
            {
                float lrG = lr * gradient[i];
                float v = (momentum * velocity[i]) - lrG;
                velocity[i] = v;
                parameter[i] += (momentum * v) - lrG;
            }
        }
        else
        {
            for (int k = 0; k < wv.Length; k++)
            {
                Vector<float> v = (momentumV * vv[k]) - (lrV * gv[k]);
                vv[k] = v;
                wv[k] += v;
            }
            for (int i = wv.Length * Vector<float>.Count; i < parameter.Length; i++)
            {
                float v = (momentum * velocity[i]) - (lr * gradient[i]);
                velocity[i] = v;
                parameter[i] += v;
            }
        }
    }
}
