/* nf_process's two special results for C NFs; the values are nf-abi/outputs.ts's (checked by tests/nf-abi). */
#ifndef NF_ABI_NF_H
#define NF_ABI_NF_H

/* The frame is dropped. */
#define DROP (-1)
/* The frame goes out on every device but the one it came in on. */
#define FLOOD (-2)

#endif
