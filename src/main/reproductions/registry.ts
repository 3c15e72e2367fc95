// The reproductions `grokscope reproduce` knows, cheapest to verify first.
import { constantNorm003 } from './constant-norm';
import { encodings004 } from './encodings';
import { fig2000 } from './fig2';
import { hessian000 } from './hessian';
import { lu003 } from './lu';
import { mnist003 } from './mnist';
import { teacherStudent003 } from './teacher-student';
import { nanda2023 } from './nanda';
import { optimisers004 } from './optimisers';
import { pca000 } from './pca';
import { representation003 } from './representation';
import { stopping000 } from './stopping';
import { t4PowerLaw000 } from './t4-powerlaw';
import type { Reproduction } from './types';

export const REPRODUCTIONS: readonly Reproduction[] = [
  pca000,
  nanda2023,
  t4PowerLaw000,
  encodings004,
  lu003,
  teacherStudent003,
  mnist003,
  hessian000,
  fig2000,
  stopping000,
  optimisers004,
  representation003,
  constantNorm003,
];

export const reproductionNamed = (name: string): Reproduction | undefined => REPRODUCTIONS.find((r) => r.name === name);
