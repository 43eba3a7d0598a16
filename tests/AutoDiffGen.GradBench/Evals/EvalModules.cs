using System;
using System.Collections.Generic;
using System.Linq;

namespace AutoDiffGen.GradBench.Evals;

/// <summary>The evals this tool implements, and the GradBench evals it knowingly declines.</summary>
internal static class EvalModules
{
    /// <summary>The implemented modules by name.</summary>
    public static IReadOnlyDictionary<string, IEvalModule> Supported { get; } =
        new IEvalModule[] { new GmmModule(), new LstmModule(), new LseModule(), new LlsqModule(), new OdeModule(), new DetModule() }
            .ToDictionary(module => module.Name, StringComparer.Ordinal);

    /// <summary>GradBench evals that need more than the gradient of a scalar function, with the reason.</summary>
    public static IReadOnlyDictionary<string, string> Declined { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ba"] = "ba needs the sparse Jacobian of a vector function; AutoDiffGen generates gradients of scalar functions only",
        ["ht"] = "ht needs the Jacobian of a vector function; AutoDiffGen generates gradients of scalar functions only",
        ["kmeans"] = "kmeans needs a Hessian (nested differentiation), which AutoDiffGen does not generate",
        ["particle"] = "particle needs nested differentiation, which AutoDiffGen does not generate",
        ["saddle"] = "saddle needs nested differentiation, which AutoDiffGen does not generate",
    };

    /// <summary>Why <paramref name="name"/> cannot be defined, or null when it can.</summary>
    public static string? WhyNot(string name) =>
        Supported.ContainsKey(name) ? null
        : Declined.TryGetValue(name, out string? reason) ? reason
        : $"unknown module '{name}'; this tool implements {string.Join(", ", Supported.Keys)}";
}
