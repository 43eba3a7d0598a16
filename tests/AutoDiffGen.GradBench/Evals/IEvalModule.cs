using System.Collections.Generic;
using System.Text.Json;

namespace AutoDiffGen.GradBench.Evals;

/// <summary>An eval this tool implements: GradBench's module of the same name.</summary>
internal interface IEvalModule
{
    /// <summary>GradBench's name of the module, as in <c>define</c> and <c>evaluate</c> messages.</summary>
    string Name { get; }

    /// <summary>The names of the module's functions: the objective first, then its derivative.</summary>
    IReadOnlyList<string> Functions { get; }

    /// <summary>Reads <paramref name="input"/> (untimed) and binds it to <paramref name="function"/>.</summary>
    /// <exception cref="InvalidInputException">The input lacks a field or has one of the wrong shape.</exception>
    IEvaluation Prepare(string function, JsonElement input);
}
