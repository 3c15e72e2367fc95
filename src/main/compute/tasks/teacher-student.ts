// 003 §3: the teacher-student regression as a sample dataset. Train and test inputs come from one stream of the data
// seed (train first), so growing testSize never changes the training set.
import type { TeacherStudentTask } from '../../../shared/config/run-config';
import { createTeacher, teacherSamples, type TeacherSpec } from '../datasets/teacher-student';
import { Rng, deriveSeed } from '../engine/rng';
import type { SampleDataset, SampleSplit } from './samples';

export function teacherSpec(t: TeacherStudentTask): TeacherSpec {
  return {
    inputDim: t.inputDim,
    outputDim: t.outputDim,
    width: t.teacherWidth,
    depth: t.teacherDepth,
    activation: t.teacherActivation,
    seed: t.teacherSeed,
  };
}

export function buildTeacherStudentDataset(t: TeacherStudentTask): SampleDataset {
  const spec = teacherSpec(t);
  const teacher = createTeacher(spec);
  const rng = new Rng(deriveSeed(t.dataSeed, 0xda7a));
  const split = (n: number): SampleSplit => {
    const s = teacherSamples(teacher, spec, n, rng);
    return {
      size: n,
      inputs: { kind: 'dense', dim: t.inputDim, values: s.inputs },
      targets: s.outputs,
      labels: new Int32Array(n).fill(-1),
    };
  };
  const train = split(t.trainSize);
  const val = split(t.testSize);
  return {
    family: 'samples',
    input: 'dense',
    inputDim: t.inputDim,
    seqLen: 1,
    vocabSize: 0,
    outDim: t.outputDim,
    numClasses: t.outputDim,
    accuracy: { kind: 'threshold', beta: t.beta },
    train,
    val,
    summary: `teacher-student ${t.trainSize} train / ${t.testSize} test samples`,
  };
}
